/** Minimal IPv4/IPv6 prefix arithmetic for matching route events to targets (pure, no dependencies). */

export interface ParsedPrefix {
  family: 4 | 6;
  /** Network bits as an unsigned integer (host bits cleared). */
  bits: bigint;
  length: number;
}

function parseV4(addr: string): bigint | null {
  const parts = addr.split('.');
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

function parseV6(addr: string): bigint | null {
  let text = addr;
  let tail: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // Embedded IPv4 (::ffff:192.0.2.1): it stands for the last two groups.
    tail = parseV4(text.slice(lastColon + 1));
    if (tail === null) return null;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let out = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    out = (out << 16n) | BigInt(`0x${g}`);
  }
  if (tail !== null) out = (out & ~0xffffffffn) | tail;
  return out;
}

/** "192.0.2.0/24", "2001:db8::/32" or a bare address (a host prefix); null when malformed. */
export function parsePrefix(text: string): ParsedPrefix | null {
  const [addr = '', len] = text.trim().split('/');
  const family = addr.includes(':') ? 6 : 4;
  const value = family === 4 ? parseV4(addr) : parseV6(addr);
  const max = family === 4 ? 32 : 128;
  const length = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : -1;
  if (value === null || length < 0 || length > max) return null;
  const hostBits = BigInt(max - length);
  return { family, bits: (value >> hostBits) << hostBits, length };
}

/** True when `outer` contains `inner` (equal prefixes included). */
export function covers(outer: ParsedPrefix, inner: ParsedPrefix): boolean {
  if (outer.family !== inner.family || outer.length > inner.length) return false;
  const max = outer.family === 4 ? 32 : 128;
  const hostBits = BigInt(max - outer.length);
  return (inner.bits >> hostBits) === (outer.bits >> hostBits);
}

/** One prefix contains the other (a covering aggregate or a more-specific). */
export function overlaps(a: ParsedPrefix, b: ParsedPrefix): boolean {
  return covers(a, b) || covers(b, a);
}
