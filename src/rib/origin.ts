/**
 * Origin AS of a route: the last AS of the AS_PATH (RFC 4271 5.1.2: the originating AS is
 * prepended first, so it is the rightmost). When the path ends in an AS_SET (aggregation,
 * RFC 4271 9.2.2.2) the origin is ambiguous: we take the set's first member.
 */

import type { AsPathElement } from '../../bgp/types.js';

export function originOf(asPath: readonly AsPathElement[]): number | null {
  const last = asPath[asPath.length - 1];
  if (last === undefined) return null;
  if (typeof last === 'number') return last;
  return last[0] ?? null;
}
