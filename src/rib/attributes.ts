/**
 * Interned attribute sets. A full table has far fewer distinct attribute sets than routes
 * (routes of one origin share them), so each distinct set is stored once, frozen, and
 * routes point at it. Sets are reference-counted and dropped when no route uses them.
 */

import type { AsPathElement, RouteAttributes } from '../../bgp/types.js';

export type RibAttributes = Readonly<RouteAttributes>;

export interface InternedAttributes {
  readonly attrs: RibAttributes;
  refs: number;
}

function pathText(path: readonly AsPathElement[] | undefined): string {
  if (path === undefined) return '';
  let out = '';
  for (const e of path) out += typeof e === 'number' ? `${e} ` : `{${e.join(',')}} `;
  return out;
}

/** The canonical key of an attribute set: equal keys <=> equal attributes. */
export function attributesKey(a: RouteAttributes): string {
  return [
    a.nextHop ?? '',
    a.origin ?? '',
    pathText(a.asPath),
    pathText(a.confedPath),
    a.med ?? '',
    a.localPref ?? '',
    a.communities.join(','),
    a.largeCommunities.join(','),
    a.extCommunities.join(','),
    a.atomicAggregate === true ? 'A' : '',
    a.aggregator ? `${a.aggregator.asn}:${a.aggregator.address}` : '',
    a.originatorId ?? '',
    a.clusterList?.join(',') ?? '',
    a.unknownAttributes?.join(',') ?? '',
  ].join('|');
}

/**
 * A frozen list with these items: the list itself when already frozen (the decoders share
 * frozen attribute arrays among the routes of a block: the RIB keeps the same ones, no copy).
 */
function frozenList<T>(list: readonly T[]): readonly T[] {
  return Object.isFrozen(list) ? list : Object.freeze(list.slice());
}

/** frozenList for an AS path: reused when it and every AS_SET in it are frozen. */
function frozenPath(path: readonly AsPathElement[]): readonly AsPathElement[] {
  if (Object.isFrozen(path) && path.every((e) => typeof e === 'number' || Object.isFrozen(e))) return path;
  return Object.freeze(path.map((e) => (typeof e === 'number' ? e : (Object.freeze(e.slice()) as number[]))));
}

/** A frozen copy holding only RouteAttributes fields (not the event's type, peer, prefix...). */
function freezeAttributes(a: RouteAttributes): RibAttributes {
  const out: RouteAttributes = {
    nextHop: a.nextHop,
    origin: a.origin,
    asPath: frozenPath(a.asPath) as AsPathElement[],
    med: a.med,
    localPref: a.localPref,
    communities: frozenList(a.communities) as string[],
    largeCommunities: frozenList(a.largeCommunities) as string[],
    extCommunities: frozenList(a.extCommunities) as string[],
  };
  if (a.confedPath !== undefined) out.confedPath = frozenPath(a.confedPath) as AsPathElement[];
  if (a.atomicAggregate !== undefined) out.atomicAggregate = a.atomicAggregate;
  if (a.aggregator !== undefined) out.aggregator = a.aggregator === null ? null : Object.freeze({ ...a.aggregator });
  if (a.originatorId !== undefined) out.originatorId = a.originatorId;
  if (a.clusterList !== undefined) out.clusterList = frozenList(a.clusterList) as string[];
  if (a.unknownAttributes !== undefined) out.unknownAttributes = frozenList(a.unknownAttributes) as number[];
  return Object.freeze(out);
}

/** The attribute fields of an event, by reference (what the identity memo compares). */
type Source = Omit<RouteAttributes, 'nextHopLinkLocal'>;

const ARRAY_FIELDS = ['asPath', 'communities', 'largeCommunities', 'extCommunities', 'confedPath', 'clusterList', 'unknownAttributes'] as const;

/** Are these the same values, by reference (arrays frozen when memoized, so equal references mean equal contents)? */
function sameSource(m: Source, a: RouteAttributes): boolean {
  return (
    m.nextHop === a.nextHop &&
    m.origin === a.origin &&
    m.asPath === a.asPath &&
    m.med === a.med &&
    m.localPref === a.localPref &&
    m.communities === a.communities &&
    m.largeCommunities === a.largeCommunities &&
    m.extCommunities === a.extCommunities &&
    m.confedPath === a.confedPath &&
    m.atomicAggregate === a.atomicAggregate &&
    m.aggregator === a.aggregator &&
    m.originatorId === a.originatorId &&
    m.clusterList === a.clusterList &&
    m.unknownAttributes === a.unknownAttributes
  );
}

/** Equal lists, item by item (a missing list is an empty one, as in attributesKey). */
function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  const n = a?.length ?? 0;
  if (n !== (b?.length ?? 0)) return false;
  for (let i = 0; i < n; i++) if (a![i] !== b![i]) return false;
  return true;
}

/** Equal AS paths, segment by segment (an AS_SET is a nested list). */
function samePath(a: readonly AsPathElement[] | undefined, b: readonly AsPathElement[] | undefined): boolean {
  if (a === b) return true;
  const n = a?.length ?? 0;
  if (n !== (b?.length ?? 0)) return false;
  for (let i = 0; i < n; i++) {
    const x = a![i]!;
    const y = b![i]!;
    if (x === y) continue;
    if (typeof x === 'number' || typeof y === 'number' || !sameList(x, y)) return false;
  }
  return true;
}

/**
 * Do the stored (frozen) attributes `s` hold what `a` holds? Compares contents, so it holds
 * whatever the caller did to its arrays since. Equal here means equal attributesKey (the reverse
 * need not hold: a miss only costs the key).
 */
function sameContents(s: RibAttributes, a: RouteAttributes): boolean {
  return (
    (s.nextHop ?? '') === (a.nextHop ?? '') &&
    (s.origin ?? '') === (a.origin ?? '') &&
    (s.med ?? '') === (a.med ?? '') &&
    (s.localPref ?? '') === (a.localPref ?? '') &&
    samePath(s.asPath, a.asPath) &&
    sameList(s.communities, a.communities) &&
    sameList(s.largeCommunities, a.largeCommunities) &&
    sameList(s.extCommunities, a.extCommunities) &&
    samePath(s.confedPath, a.confedPath) &&
    (s.atomicAggregate === true) === (a.atomicAggregate === true) &&
    (s.aggregator ? a.aggregator != null && s.aggregator.asn === a.aggregator.asn && s.aggregator.address === a.aggregator.address : !a.aggregator) &&
    (s.originatorId ?? '') === (a.originatorId ?? '') &&
    sameList(s.clusterList, a.clusterList) &&
    sameList(s.unknownAttributes, a.unknownAttributes)
  );
}

export class AttributeInterner {
  private readonly byKey = new Map<string, InternedAttributes>();
  /**
   * The entry acquired last. The routes of one UPDATE, or of one ExaBGP line, come one after
   * another with the same attributes: a comparison of contents with this entry's (frozen)
   * attributes finds them without a text key, whether the decoder froze its arrays or not.
   */
  private last: InternedAttributes | null = null;
  /**
   * The decoders share one frozen set of attribute arrays among the routes of an attribute
   * block (bgp/bgp/attribute-cache.ts): keyed by the frozen AS_PATH array, the last source
   * fields and their entry, so most announces of a table skip building the text key.
   */
  private readonly memo = new WeakMap<object, { src: Source; entry: InternedAttributes }>();

  get size(): number {
    return this.byKey.size;
  }

  /** The shared entry for these attributes, its reference count incremented. */
  acquire(a: RouteAttributes): InternedAttributes {
    const last = this.last;
    if (last !== null && last.refs > 0 && sameContents(last.attrs, a)) {
      last.refs++;
      return last;
    }
    const m = this.memo.get(a.asPath);
    if (m !== undefined && m.entry.refs > 0 && sameSource(m.src, a)) {
      m.entry.refs++;
      this.last = m.entry;
      return m.entry;
    }
    const key = attributesKey(a);
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = { attrs: freezeAttributes(a), refs: 0 };
      this.byKey.set(key, entry);
    }
    entry.refs++;
    this.last = entry;
    if (ARRAY_FIELDS.every((f) => a[f] === undefined || Object.isFrozen(a[f])) && (a.aggregator == null || Object.isFrozen(a.aggregator))) {
      this.memo.set(a.asPath, {
        src: {
          nextHop: a.nextHop,
          origin: a.origin,
          asPath: a.asPath,
          med: a.med,
          localPref: a.localPref,
          communities: a.communities,
          largeCommunities: a.largeCommunities,
          extCommunities: a.extCommunities,
          confedPath: a.confedPath,
          atomicAggregate: a.atomicAggregate,
          aggregator: a.aggregator,
          originatorId: a.originatorId,
          clusterList: a.clusterList,
          unknownAttributes: a.unknownAttributes,
        },
        entry,
      });
    }
    return entry;
  }

  /** Drops one reference; the set is forgotten when none is left. */
  release(entry: InternedAttributes): void {
    if (--entry.refs <= 0) this.byKey.delete(attributesKey(entry.attrs));
  }
}

/** What differs between two attribute sets, as the RIB reports it. */
export function attributeChanges(before: RibAttributes, after: RibAttributes): { asPath: boolean; nextHop: boolean; other: boolean } {
  const asPath = pathText(before.asPath) !== pathText(after.asPath) || pathText(before.confedPath) !== pathText(after.confedPath);
  const nextHop = before.nextHop !== after.nextHop;
  const other =
    attributesKey({ ...before, nextHop: null, asPath: [], confedPath: [] }) !==
    attributesKey({ ...after, nextHop: null, asPath: [], confedPath: [] });
  return { asPath, nextHop, other };
}
