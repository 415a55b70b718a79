/**
 * The correlator's memory of recent route changes (correlation.routeBuffer): what a confirmed
 * path change is attributed against. A full table arriving puts up to maxEvents changes in it
 * at once, and each confirmed change then asks which of them concern its prefixes, so the
 * buffer keeps what that question needs in typed arrays beside the changes: the event time in
 * ms (read once per distinct time text) and, for IPv4, the prefix as the RIB's key (masked
 * network as an int32) and length, read when the change comes (the RIB's one-pass parser: a
 * question right after a table dump must not parse the whole table). A question then costs a
 * few numeric comparisons per buffered change. Other prefixes (IPv6) are parsed when first
 * asked about IPv6 prefixes, and kept.
 */
import type { RouteChange } from '../core/events.js';
import { ipv4PrefixKey, parsePrefix, type ParsedPrefix, type PrefixMatcher } from './prefix.js';

/** Not IPv4, not parsed yet. */
const UNPARSED = -1;
/** Not IPv4, parsed: see `others`. */
const OTHER = -2;
const INITIAL = 1024;

export class RouteChangeBuffer {
  private changes: RouteChange[] = [];
  private ms = new Float64Array(INITIAL);
  private lengths = new Int16Array(INITIAL);
  private keys = new Int32Array(INITIAL);
  /** Parsed non-IPv4 prefixes (null: not a prefix), by index. */
  private others = new Map<number, ParsedPrefix | null>();
  private head = 0;
  private lastTime = '';
  private lastTimeMs = Number.NaN;

  /** Changes held. */
  get size(): number {
    return this.changes.length - this.head;
  }

  /** Adds a change; an unreadable event time counts as `nowMs`. */
  push(c: RouteChange, nowMs: number): void {
    const time = c.event.time;
    if (time !== this.lastTime) {
      const t = Date.parse(time);
      this.lastTime = time;
      this.lastTimeMs = Number.isNaN(t) ? nowMs : t;
    }
    const i = this.changes.length;
    if (i === this.ms.length) this.resize(i * 2);
    this.changes.push(c);
    this.ms[i] = this.lastTimeMs;
    const v4 = ipv4PrefixKey(c.event.prefix);
    if (v4 === null) this.lengths[i] = UNPARSED;
    else {
      this.lengths[i] = v4.length;
      this.keys[i] = v4.key;
    }
  }

  /** Drops the oldest changes beyond maxEvents, and those whose event time is before `oldestMs`. */
  prune(maxEvents: number, oldestMs: number): void {
    const n = this.changes.length;
    while (this.head < n && (n - this.head > maxEvents || this.ms[this.head]! < oldestMs)) this.head++;
    if (this.head > 65_536 && this.head * 2 > n) this.compact();
  }

  /**
   * Each held change with an event time at or after `fromMs` whose prefix overlaps `watched`,
   * in arrival order, with its event time.
   */
  forEachOverlapping(fromMs: number, watched: PrefixMatcher, visit: (c: RouteChange, ms: number) => void): void {
    const ms = this.ms;
    const lengths = this.lengths;
    const keys = this.keys;
    for (let i = this.head; i < this.changes.length; i++) {
      const t = ms[i]!;
      if (t < fromMs) continue;
      const length = lengths[i]!;
      if (length >= 0 ? watched.matchesIpv4(keys[i]!, length) : watched.hasOthers && this.matchesOther(i, watched)) visit(this.changes[i]!, t);
    }
  }

  private matchesOther(i: number, watched: PrefixMatcher): boolean {
    if (this.lengths[i] === UNPARSED) {
      this.others.set(i, parsePrefix(this.changes[i]!.event.prefix));
      this.lengths[i] = OTHER;
    }
    const p = this.others.get(i);
    return p != null && watched.matchesParsed(p);
  }

  private resize(capacity: number): void {
    const ms = new Float64Array(capacity);
    ms.set(this.ms.subarray(0, Math.min(this.ms.length, capacity)));
    const lengths = new Int16Array(capacity);
    lengths.set(this.lengths.subarray(0, Math.min(this.lengths.length, capacity)));
    const keys = new Int32Array(capacity);
    keys.set(this.keys.subarray(0, Math.min(this.keys.length, capacity)));
    this.ms = ms;
    this.lengths = lengths;
    this.keys = keys;
  }

  /** Moves the held changes to the front (their parsed prefixes with them). */
  private compact(): void {
    const head = this.head;
    const n = this.changes.length;
    this.changes = this.changes.slice(head);
    this.ms.copyWithin(0, head, n);
    this.lengths.copyWithin(0, head, n);
    this.keys.copyWithin(0, head, n);
    const others = new Map<number, ParsedPrefix | null>();
    for (const [i, p] of this.others) if (i >= head) others.set(i - head, p);
    this.others = others;
    this.head = 0;
    if (this.ms.length > INITIAL && n - head < this.ms.length / 4) this.resize(Math.max(INITIAL, (n - head) * 2));
  }
}
