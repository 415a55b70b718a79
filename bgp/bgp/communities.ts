/**
 * Community attributes as text: COMMUNITIES (RFC 1997) "asn:value", EXTENDED COMMUNITIES
 * (RFC 4360, RFC 5668) "target:..."/"origin:..." for route target/origin, "0x<16 hex>"
 * otherwise, LARGE_COMMUNITY (RFC 8092) "global:local1:local2".
 */
import { ipv4Text } from '../reader.js';

export function communitiesText(v: Buffer, start = 0, end = v.length): string[] {
  const out: string[] = new Array<string>((end - start) >> 2);
  for (let i = start, j = 0; i + 4 <= end; i += 4, j++) {
    out[j] = `${(v[i]! << 8) | v[i + 1]!}:${(v[i + 2]! << 8) | v[i + 3]!}`;
  }
  return out;
}

export function largeCommunitiesText(v: Buffer, start = 0, end = v.length): string[] {
  const out: string[] = [];
  for (let i = start; i + 12 <= end; i += 12) {
    out.push(`${v.readUInt32BE(i)}:${v.readUInt32BE(i + 4)}:${v.readUInt32BE(i + 8)}`);
  }
  return out;
}

const SUBTYPE_NAMES: Record<number, string> = { 0x02: 'target', 0x03: 'origin' };

/** One 8-octet extended community. High type bits: 0x40 = non-transitive (RFC 4360 3). */
export function extCommunityText(v: Buffer, i: number): string {
  const type = v[i]! & 0xbf;
  const name = SUBTYPE_NAMES[v[i + 1]!];
  if (name !== undefined) {
    if (type === 0x00) return `${name}:${(v[i + 2]! << 8) | v[i + 3]!}:${v.readUInt32BE(i + 4)}`;
    if (type === 0x01) return `${name}:${ipv4Text(v, i + 2)}:${(v[i + 6]! << 8) | v[i + 7]!}`;
    if (type === 0x02) return `${name}:${v.readUInt32BE(i + 2)}:${(v[i + 6]! << 8) | v[i + 7]!}`;
  }
  return `0x${v.toString('hex', i, i + 8)}`;
}

export function extCommunitiesText(v: Buffer, start = 0, end = v.length): string[] {
  const out: string[] = [];
  for (let i = start; i + 8 <= end; i += 8) out.push(extCommunityText(v, i));
  return out;
}
