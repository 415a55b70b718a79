import type { ClusterConfig } from '../config/schema.js';

export type Role = ClusterConfig['roles'][number];
export const ALL_ROLES: readonly Role[] = ['collector', 'prober', 'correlator', 'ui'];

/** What one instance runs, derived once from its roles (storage, /api/health and /metrics always run). */
export interface RolePlan {
  roles: readonly Role[];
  /** BMP station, ExaBGP feed, route pipeline, RIB. */
  collector: boolean;
  prober: boolean;
  correlator: boolean;
  /** HTTP API routes, web pages, Socket.IO live channel. */
  ui: boolean;
  /**
   * Hop annotation (ASN/prefix) needs a RIB: only with the collector role.
   * A prober without it records hops with asn/prefix null; no other instance
   * fills them in later (see docs/deployment.md).
   */
  annotateHops: boolean;
  /** Relayed route changes are shown in the live route view only where no local feed produces route events. */
  acceptRelayedRouteChanges: boolean;
}

export function planRoles(roles: readonly Role[]): RolePlan {
  const has = (r: Role) => roles.includes(r);
  return {
    roles: [...roles],
    collector: has('collector'),
    prober: has('prober'),
    correlator: has('correlator'),
    ui: has('ui'),
    annotateHops: has('collector'),
    acceptRelayedRouteChanges: !has('collector'),
  };
}
