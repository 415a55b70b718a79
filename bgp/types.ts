/**
 * The normalized control-plane model shared by both feeds (BMP and ExaBGP).
 *
 * Every decoded message becomes zero or more RouteEvents. The NDJSON printed by
 * `smoketrace decode` is exactly one RouteEvent per line (JSON.stringify of it),
 * so the field names here are a public format: change them only with care.
 */

export type Afi = 'ipv4' | 'ipv6' | 'l2vpn' | 'unknown';
/** "unicast" for the families we interpret; other SAFIs keep their name ("mpls-vpn", "evpn", ...) or "safi-N". */
export type Safi = string;
export type FeedSource = 'bmp' | 'exabgp';
export type PeerType = 'global' | 'rd' | 'local' | 'loc-rib' | 'unknown';
export type Origin = 'igp' | 'egp' | 'incomplete';

/** One AS_PATH element: an ASN of an AS_SEQUENCE, or a nested array for an AS_SET (RFC 4271 5.1.2). */
export type AsPathElement = number | number[];

export interface PeerRef {
  address: string;
  asn: number;
  bgpId: string;
  type: PeerType;
  /** Route distinguisher as text ("65000:100", "192.0.2.1:7") or "0:0" for global peers. */
  distinguisher: string;
  /** BMP L flag (RFC 7854 4.2); false for ExaBGP. */
  postPolicy: boolean;
  /** BMP O flag (RFC 8671); false for ExaBGP. */
  adjRibOut: boolean;
}

export interface Aggregator {
  asn: number;
  address: string;
}

/** Path attributes of an announce, already normalized (RFC 6793 AS4 merge done). */
export interface RouteAttributes {
  nextHop: string | null;
  /** IPv6 link-local next hop of MP_REACH_NLRI when present (RFC 2545 3). */
  nextHopLinkLocal?: string | null;
  origin: Origin | null;
  asPath: AsPathElement[];
  /** Confederation segments are kept apart (RFC 5065): they are not counted in the AS-path length. */
  confedPath?: AsPathElement[];
  med: number | null;
  localPref: number | null;
  communities: string[];
  largeCommunities: string[];
  /** Textual extended communities ("target:65000:1", "origin:...", or "0x<16 hex>" for unknown types). */
  extCommunities: string[];
  atomicAggregate?: boolean;
  aggregator?: Aggregator | null;
  originatorId?: string | null;
  clusterList?: string[];
  /** Attribute type codes present that we do not interpret (kept so nothing is silently lost). */
  unknownAttributes?: number[];
}

interface EventBase {
  source: FeedSource;
  /** ISO-8601; the message timestamp when trustworthy, else the arrival time. */
  time: string;
  /** The BMP router (remote address of the station connection) or the ExaBGP feed name. */
  router: string;
}

interface PeerEventBase extends EventBase {
  peer: PeerRef;
}

export interface AnnounceEvent extends PeerEventBase, RouteAttributes {
  type: 'announce';
  afi: Afi;
  safi: Safi;
  prefix: string;
  pathId: number | null;
  /** Set when RFC 7606 treat-as-withdraw applied to this UPDATE: consumers must treat it as a withdraw. */
  treatAsWithdraw?: boolean;
}

export interface WithdrawEvent extends PeerEventBase {
  type: 'withdraw';
  afi: Afi;
  safi: Safi;
  prefix: string;
  pathId: number | null;
  /** Why: "bgp" (an UPDATE withdrew it), "treat-as-withdraw" (RFC 7606), "peer-down" (RIB flush). */
  cause?: 'bgp' | 'treat-as-withdraw' | 'peer-down';
}

export interface EorEvent extends PeerEventBase {
  type: 'eor';
  afi: Afi;
  safi: Safi;
}

export interface BgpCapabilities {
  /** Raw capability codes seen (RFC 5492). */
  codes: number[];
  fourOctetAsn: boolean;
  /** "afi safi" strings of MP capabilities, e.g. "ipv4 unicast". */
  multiprotocol: string[];
  /** ADD-PATH per family: "ipv4 unicast" -> "receive" | "send" | "send/receive". */
  addPath: Record<string, string>;
  routeRefresh?: boolean;
  gracefulRestart?: boolean;
  hostname?: string;
}

export interface BgpOpenInfo {
  version: number;
  asn: number;
  holdTime: number;
  bgpId: string;
  capabilities: BgpCapabilities;
}

export interface PeerUpEvent extends PeerEventBase {
  type: 'peer_up';
  localAddress?: string | null;
  localPort?: number | null;
  remotePort?: number | null;
  sentOpen?: BgpOpenInfo | null;
  receivedOpen?: BgpOpenInfo | null;
  info?: InfoTlv[];
}

export interface PeerDownEvent extends PeerEventBase {
  type: 'peer_down';
  /** RFC 7854 4.9 reason code (1..7), or 0 for ExaBGP "down". */
  reasonCode: number;
  reason: string;
  notification?: { code: number; subcode: number; data?: string } | null;
  fsmEvent?: number | null;
}

export interface InfoTlv {
  type: number;
  /** "string" | "sysDescr" | "sysName" | "vrTableName" | "adminLabel" | "tlv-N" */
  name: string;
  value: string;
}

export interface InitiationEvent extends EventBase {
  type: 'initiation' | 'termination';
  info: InfoTlv[];
  /** Termination reason (RFC 7854 4.5) when present. */
  reasonCode?: number | null;
}

export interface StatsEvent extends PeerEventBase {
  type: 'stats';
  /** RFC 7854 4.8 / IANA BMP statistics types; 64-bit gauges as decimal strings when > 2^53. */
  stats: Array<{ type: number; name: string; value: number | string; afi?: Afi; safi?: Safi }>;
}

export interface MirrorEvent extends PeerEventBase {
  type: 'mirror';
  info: InfoTlv[];
}

export interface KeepaliveEvent extends PeerEventBase {
  type: 'keepalive';
}

/** A decode problem. Decoding goes on after it; only broken framing ends a BMP session. */
export interface ErrorEvent {
  type: 'error';
  source: FeedSource;
  time: string;
  router: string;
  code: string;
  /** Byte offset in the stream (BMP) or the line number (ExaBGP). */
  offset: number;
  message: string;
  severity: 'attribute-discard' | 'treat-as-withdraw' | 'message-skip' | 'session-reset';
}

export type RouteEvent =
  | AnnounceEvent
  | WithdrawEvent
  | EorEvent
  | PeerUpEvent
  | PeerDownEvent
  | InitiationEvent
  | StatsEvent
  | MirrorEvent
  | KeepaliveEvent
  | ErrorEvent;

export type RouteEventType = RouteEvent['type'];
