/**
 * One address family's routes: a Map per prefix length, keyed by the compact prefix key
 * (prefix.ts). Longest-prefix match probes the lengths that hold routes, longest first
 * (a full IPv4 table uses ~25 lengths, IPv6 ~40), one hash lookup each.
 */

import type { InternedAttributes } from './attributes.js';

/** One path: which peer (index in the RIB's peer table), ADD-PATH id (-1 = none), attributes. */
export class StoredRoute {
  constructor(
    public readonly peer: number,
    public readonly pathId: number,
    public attrs: InternedAttributes,
    public since: number,
  ) {}
}

/** A prefix's routes: a single route (the common case, no array) or several. */
export type Slot = StoredRoute | StoredRoute[];

export function slotRoutes(slot: Slot): readonly StoredRoute[] {
  return slot instanceof StoredRoute ? [slot] : slot;
}

export class PrefixTable<K extends number | string> {
  private readonly maps: Array<Map<K, Slot> | undefined>;
  /** Lengths holding at least one prefix, longest first. */
  lengths: number[] = [];

  constructor(maxLength: number) {
    this.maps = new Array<Map<K, Slot> | undefined>(maxLength + 1);
  }

  get(length: number, key: K): Slot | undefined {
    return this.maps[length]?.get(key);
  }

  set(length: number, key: K, slot: Slot): void {
    let map = this.maps[length];
    if (map === undefined) {
      map = new Map();
      this.maps[length] = map;
    }
    map.set(key, slot);
    if (map.size === 1) this.refreshLengths();
  }

  delete(length: number, key: K): void {
    const map = this.maps[length];
    if (map === undefined || !map.delete(key)) return;
    if (map.size === 0) {
      this.maps[length] = undefined;
      this.refreshLengths();
    }
  }

  /** Every (length, key, slot); the callback may set or delete the entry it is given. */
  forEach(visit: (length: number, key: K, slot: Slot) => void): void {
    for (const length of this.lengths.slice()) {
      const map = this.maps[length];
      if (map === undefined) continue;
      for (const [key, slot] of map) visit(length, key, slot);
    }
  }

  /**
   * Every (length, key, slot) as a resumable iteration (a peer flush walks a full table a slice
   * at a time, with routes coming and going between slices): the lengths held when it starts,
   * each map's entries as Map iteration gives them (entries deleted meanwhile are skipped,
   * entries added meanwhile may be visited).
   */
  *entries(): Generator<[number, K, Slot]> {
    for (const length of this.lengths.slice()) {
      const map = this.maps[length];
      if (map === undefined) continue;
      for (const [key, slot] of map) yield [length, key, slot];
    }
  }

  get prefixCount(): number {
    let n = 0;
    for (const m of this.maps) n += m?.size ?? 0;
    return n;
  }

  private refreshLengths(): void {
    const out: number[] = [];
    for (let l = this.maps.length - 1; l >= 0; l--) if (this.maps[l] !== undefined) out.push(l);
    this.lengths = out;
  }
}
