import type { PeerRef, RouteEvent, WithdrawEvent } from '../../bgp/types.js';
import type { RibAttributes } from './attributes.js';
import type { IpFamily } from './prefix.js';

export type { RibAttributes } from './attributes.js';

/** One route as the RIB returns it. */
export interface RibRoute {
  router: string;
  peer: PeerRef;
  afi: IpFamily;
  prefix: string;
  pathId: number | null;
  attributes: RibAttributes;
  /** Epoch seconds of the event that installed this version of the route. */
  since: number;
}

interface RouteIdentity {
  router: string;
  peer: PeerRef;
  afi: IpFamily;
  safi: 'unicast';
  /** Canonical text (host bits masked, RFC 5952 for IPv6). */
  prefix: string;
  pathId: number | null;
}

export interface AddedChange extends RouteIdentity {
  kind: 'added';
  attributes: RibAttributes;
}

export interface ReplacedChange extends RouteIdentity {
  kind: 'replaced';
  changed: { asPath: boolean; nextHop: boolean; other: boolean };
  old: RibAttributes;
  attributes: RibAttributes;
}

export interface RemovedChange extends RouteIdentity {
  kind: 'removed';
  old: RibAttributes;
  /** The withdraw to publish: the event applied, or one made up for a peer-down flush. */
  withdraw: WithdrawEvent;
}

export type NoopReason = 'same-attributes' | 'unknown-route' | 'unsupported-family' | 'bad-prefix';

export interface NoopChange {
  kind: 'noop';
  reason: NoopReason;
  event: RouteEvent;
}

export type RibChange = AddedChange | ReplacedChange | RemovedChange | NoopChange;

export interface LookupResult {
  prefix: string;
  routes: RibRoute[];
}

export interface PeerCount {
  router: string;
  peer: PeerRef;
  ipv4: number;
  ipv6: number;
}
