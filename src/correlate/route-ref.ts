/**
 * A compact, storable reference to a RouteEvent, used as evidence in verdicts
 * and alerts (the full events live in storage).
 */
import type { AsPathElement, RouteEvent } from '../../bgp/types.js';

export interface RouteEventRef {
  time: string;
  type: RouteEvent['type'];
  router: string;
  peerAddress: string | null;
  peerAsn: number | null;
  prefix: string | null;
  /** Flattened AS path of an announce (AS_SET members in place), null otherwise. */
  asPath: number[] | null;
}

/** AS_PATH as plain ASNs: AS_SET members spliced in place (RFC 4271 5.1.2), order kept. */
export function flattenAsPath(path: readonly AsPathElement[]): number[] {
  const out: number[] = [];
  for (const el of path) {
    if (typeof el === 'number') out.push(el);
    else for (const asn of el) out.push(asn);
  }
  return out;
}

/** Consecutive repeats (prepending) removed: [1, 1, 2, 2, 2, 3] -> [1, 2, 3]. */
export function collapseRepeats(path: readonly number[]): number[] {
  const out: number[] = [];
  for (const asn of path) if (out[out.length - 1] !== asn) out.push(asn);
  return out;
}

/** An announce flagged treat-as-withdraw (RFC 7606) is a withdraw for every consumer. */
export function isEffectiveWithdraw(e: RouteEvent): boolean {
  return e.type === 'withdraw' || (e.type === 'announce' && e.treatAsWithdraw === true);
}

export function toRouteEventRef(e: RouteEvent): RouteEventRef {
  const peer = 'peer' in e ? e.peer : null;
  return {
    time: e.time,
    type: e.type,
    router: e.router,
    peerAddress: peer?.address ?? null,
    peerAsn: peer?.asn ?? null,
    prefix: 'prefix' in e ? e.prefix : null,
    asPath: e.type === 'announce' && e.treatAsWithdraw !== true ? flattenAsPath(e.asPath) : null,
  };
}
