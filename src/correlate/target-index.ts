import { parseAddressValue } from '../rib/prefix.js';
import { parsePrefix } from './prefix.js';

/** [first, last] addresses of a prefix as integers, with its family; null when not a prefix. */
export function prefixRange(prefix: string): { family: 4 | 6; first: bigint; last: bigint } | null {
  if (prefix.indexOf('/') < 0) return null;
  const p = parsePrefix(prefix);
  if (p === null) return null;
  const hostBits = BigInt((p.family === 4 ? 32 : 128) - p.length);
  return { family: p.family, first: p.bits, last: p.bits + (1n << hostBits) - 1n };
}

/**
 * Which watched targets a route change covers: target addresses sorted per
 * family, a prefix becomes an integer range, and a binary search finds the
 * targets inside it. O(log n + matches) per route change, so a full-table
 * dump does not scan every target for every prefix.
 */
export class TargetIndex {
  private readonly addresses = new Map<string, string>();
  private sorted: { 4: Array<[bigint, string]>; 6: Array<[bigint, string]> } | null = null;

  set(targetId: string, address: string): void {
    if (this.addresses.get(targetId) === address) return;
    this.addresses.set(targetId, address);
    this.sorted = null;
  }

  delete(targetId: string): void {
    if (this.addresses.delete(targetId)) this.sorted = null;
  }

  address(targetId: string): string | undefined {
    return this.addresses.get(targetId);
  }

  covered(prefix: string): string[] {
    // No target of the family: nothing to parse (a full table with no IPv6 targets, or none at all).
    const list = this.index()[prefix.indexOf(':') < 0 ? 4 : 6];
    if (list.length === 0) return [];
    const r = prefixRange(prefix);
    if (!r) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]![0] < r.first) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < list.length && list[i]![0] <= r.last; i++) out.push(list[i]![1]);
    return out;
  }

  private index() {
    if (this.sorted) return this.sorted;
    const s: { 4: Array<[bigint, string]>; 6: Array<[bigint, string]> } = { 4: [], 6: [] };
    for (const [id, a] of this.addresses) {
      const address = parseAddressValue(a);
      if (address !== null) s[address.family].push([address.value, id]);
    }
    for (const l of [s[4], s[6]]) l.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    this.sorted = s;
    return s;
  }
}
