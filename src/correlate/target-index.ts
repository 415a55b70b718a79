import { isIPv4, isIPv6 } from 'node:net';

function v4(a: string): bigint {
  return BigInt(a.split('.').reduce((n, o) => n * 256 + Number(o), 0));
}

function v6(a: string): bigint {
  let [head, tail] = a.includes('::') ? a.split('::') : [a, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two hextets.
  const expand = (parts: string[]) =>
    parts.flatMap((p) => (p.includes('.') ? [((Number(v4(p)) >>> 16) & 0xffff).toString(16), (Number(v4(p)) & 0xffff).toString(16)] : [p]));
  const hh = expand(h);
  const tt = expand(t);
  const fill = tail === null ? [] : Array(8 - hh.length - tt.length).fill('0');
  return [...hh, ...fill, ...tt].reduce((n, x) => (n << 16n) + BigInt(parseInt(x || '0', 16)), 0n);
}

/** [first, last] addresses of a prefix as integers, with its family; null when not a prefix. */
export function prefixRange(prefix: string): { family: 4 | 6; first: bigint; last: bigint } | null {
  const [addr, lenText] = prefix.split('/');
  const len = Number(lenText);
  if (!addr || !Number.isInteger(len)) return null;
  const family = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : 0;
  if (family === 0) return null;
  const bits = family === 4 ? 32 : 128;
  if (len < 0 || len > bits) return null;
  const value = family === 4 ? v4(addr) : v6(addr);
  const hostBits = BigInt(bits - len);
  const first = (value >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n };
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
    const r = prefixRange(prefix);
    if (!r) return [];
    const list = this.index()[r.family];
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
      if (isIPv4(a)) s[4].push([v4(a), id]);
      else if (isIPv6(a)) s[6].push([v6(a), id]);
    }
    for (const l of [s[4], s[6]]) l.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    this.sorted = s;
    return s;
  }
}
