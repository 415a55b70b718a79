/**
 * One target id per prefix, stable across restarts and unique (a slug: lower-case letters,
 * digits and "-", at most 63): "auto4-203-0-113-0-24" and, for IPv6, the prefix's nibbles
 * (only as many as its length covers) "auto6-20010db8-32". The id alone names the prefix,
 * so an exclusion can be undone by id after its target is gone.
 */
import { formatPrefix, parsePrefix } from '../rib/index.js';
import { prefixSpan } from './addresses.js';

export function autoTargetId(prefix: string): string | null {
  const span = prefixSpan(prefix);
  if (span === null) return null;
  if (span.family === 4) {
    const v = Number(span.first);
    return `auto4-${v >>> 24}-${(v >>> 16) & 0xff}-${(v >>> 8) & 0xff}-${v & 0xff}-${span.length}`;
  }
  const nibbles = Math.max(1, Math.ceil(span.length / 4));
  return `auto6-${span.first.toString(16).padStart(32, '0').slice(0, nibbles)}-${span.length}`;
}

const ID_RE = /^auto[46]-[0-9a-f-]+-\d{1,3}$/;

/** Whether an id is of the shape autoTargetId makes (cheap check before a lookup). */
export function isAutoTargetId(id: string): boolean {
  return ID_RE.test(id);
}

/** The prefix an automatic target id names ("auto4-203-0-113-0-24" -> "203.0.113.0/24"), or null. */
export function prefixOfAutoId(id: string): string | null {
  const v4 = /^auto4-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,2})$/.exec(id);
  if (v4) {
    const prefix = `${v4[1]}.${v4[2]}.${v4[3]}.${v4[4]}/${v4[5]}`;
    return autoTargetId(prefix) === id ? prefix : null;
  }
  const v6 = /^auto6-([0-9a-f]{1,32})-(\d{1,3})$/.exec(id);
  if (!v6) return null;
  const hex = (v6[1] as string).padEnd(32, '0');
  const groups = hex.match(/.{4}/g) as string[];
  const prefix = formatPrefixText(`${groups.join(':')}/${v6[2]}`);
  return prefix !== null && autoTargetId(prefix) === id ? prefix : null;
}

/** Canonical text of a prefix (RFC 5952 for IPv6), or null. */
function formatPrefixText(prefix: string): string | null {
  const p = parsePrefix(prefix);
  return p === null ? null : formatPrefix(p.afi, p.key, p.length);
}
