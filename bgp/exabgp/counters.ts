/** What an ExabgpParser has seen; every line lands in exactly one of lines' sub-counts. */
export interface ExabgpCounters {
  lines: number;
  /** Blank lines, skipped silently. */
  empty: number;
  /** Lines that became an `error` event. */
  errors: number;
  update: number;
  state: number;
  open: number;
  keepalive: number;
  notification: number;
  /** Any other message type (signal, operational, refresh, ...), by type in otherTypes. */
  other: number;
  otherTypes: Record<string, number>;
  /** state "connected": TCP up, no BGP session yet; counted, no event. */
  connected: number;
  up: number;
  down: number;
  announces: number;
  withdraws: number;
  eors: number;
  /** NLRI of families that are not prefixes (flow, evpn, bgp-ls, vpls, mup, ...). */
  skippedNlri: number;
  /**
   * NLRI listed again in the same update and family, folded into one announce: IPv6 routes
   * listed under the global and the link-local next hop, ExaBGP's repeated 0.0.0.0/0.
   */
  duplicateNlri: number;
}

export function newCounters(): ExabgpCounters {
  return {
    lines: 0,
    empty: 0,
    errors: 0,
    update: 0,
    state: 0,
    open: 0,
    keepalive: 0,
    notification: 0,
    other: 0,
    otherTypes: {},
    connected: 0,
    up: 0,
    down: 0,
    announces: 0,
    withdraws: 0,
    eors: 0,
    skippedNlri: 0,
    duplicateNlri: 0,
  };
}
