/**
 * What about a prefix's routes makes it a candidate: its origin AS (the most common origin
 * over all peers' routes; ties to the lower ASN), whether any route is originated by a
 * configured ASN, and which configured community patterns any route carries. Pure.
 */
import { originOf } from '../rib/index.js';
import type { RibAttributes } from '../rib/index.js';
import { matchCommunities, type CommunityPattern } from './community.js';

export interface Interest {
  originAs: number | null;
  /** A configured ASN originating one of the routes (the first found), else null. */
  matchedOrigin: number | null;
  /** Configured community patterns that match, in configuration order. */
  communities: string[];
}

export interface InterestRules {
  originAsns: ReadonlySet<number>;
  communities: readonly CommunityPattern[];
}

export function interestOf(routes: ReadonlyArray<{ attributes: RibAttributes }>, rules: InterestRules): Interest {
  const votes = new Map<number, number>();
  let matchedOrigin: number | null = null;
  const matched = new Set<string>();
  for (const r of routes) {
    const asn = originOf(r.attributes.asPath);
    if (asn !== null) {
      votes.set(asn, (votes.get(asn) ?? 0) + 1);
      if (matchedOrigin === null && rules.originAsns.has(asn)) matchedOrigin = asn;
    }
    if (rules.communities.length > 0) {
      for (const c of matchCommunities(rules.communities, r.attributes.communities, r.attributes.largeCommunities)) matched.add(c);
    }
  }
  let originAs: number | null = null;
  let best = 0;
  for (const [asn, n] of votes) {
    if (n > best || (n === best && originAs !== null && asn < originAs)) {
      originAs = asn;
      best = n;
    }
  }
  return { originAs, matchedOrigin, communities: rules.communities.map((p) => p.text).filter((t) => matched.has(t)) };
}

/** Whether an interest makes the prefix a candidate by origin or community. */
export function isInteresting(i: Interest): boolean {
  return i.matchedOrigin !== null || i.communities.length > 0;
}
