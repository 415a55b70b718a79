/**
 * Community patterns for choosing prefixes: "asn:value" matches a standard community
 * (RFC 1997, two 16-bit parts), "global:local1:local2" a large community (RFC 8092, three
 * 32-bit parts). A part may be "*" (any value). The RIB holds communities as the same text
 * (bgp/bgp/communities.ts), so matching splits on ":" and compares numbers.
 */

const MAX16 = 65_535;
const MAX32 = 4_294_967_295;

export interface CommunityPattern {
  text: string;
  large: boolean;
  /** null = "*". */
  parts: Array<number | null>;
}

/** Why a pattern is not acceptable, or null. */
export function communityProblem(text: string): string | null {
  const parts = text.split(':');
  if (parts.length !== 2 && parts.length !== 3) return `"${text}" is neither a community "asn:value" nor a large community "global:local1:local2"`;
  const max = parts.length === 2 ? MAX16 : MAX32;
  for (const p of parts) {
    if (p === '*') continue;
    if (!/^\d{1,10}$/.test(p) || Number(p) > max) return `"${text}": each part must be "*" or a number from 0 to ${max}`;
  }
  return null;
}

/** Parses a pattern already validated by communityProblem. */
export function parseCommunityPattern(text: string): CommunityPattern {
  const parts = text.split(':').map((p) => (p === '*' ? null : Number(p)));
  return { text, large: parts.length === 3, parts };
}

function matches(pattern: CommunityPattern, community: string): boolean {
  const parts = community.split(':');
  if (parts.length !== pattern.parts.length) return false;
  return pattern.parts.every((want, i) => want === null || Number(parts[i]) === want);
}

/** The patterns (their text) that any of the route's communities matches. */
export function matchCommunities(patterns: readonly CommunityPattern[], communities: readonly string[], largeCommunities: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const list = p.large ? largeCommunities : communities;
    if (list.some((c) => matches(p, c))) out.push(p.text);
  }
  return out;
}
