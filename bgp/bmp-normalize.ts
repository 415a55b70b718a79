/**
 * BMP messages -> RouteEvents, with the per-router session state this needs: each peer's
 * capabilities learned from its Peer Up (4-octet ASN, ADD-PATH) and counters.
 *
 * - Route Monitoring does not require a Peer Up (gobgpd sends Loc-RIB routes without one):
 *   unknown peers get the BMP A flag for the ASN width and the ADD-PATH heuristic of
 *   bgp/nlri.ts.
 * - A decode problem yields an `error` event and decoding goes on; only broken framing
 *   (decodeBmpStream) stops.
 * - Events of one UPDATE share their attribute arrays (asPath, communities...): consumers
 *   must treat events as read-only.
 */
import type {
  AnnounceEvent,
  BgpCapabilities,
  ErrorEvent,
  PeerRef,
  RouteAttributes,
  RouteEvent,
  WithdrawEvent,
} from './types.js';
import { DecodeError } from './errors.js';
import { addPathAllows } from './bgp/capabilities.js';
import { familyName } from './bgp/families.js';
import { AttributeCache } from './bgp/attribute-cache.js';
import { decodeUpdateBody, type FamilyRoutes, type UpdateOptions } from './bgp/update.js';
import { FastRouteMonitoring, type FastPathHost, type FastPeer } from './bmp/fast-route-monitoring.js';
import { announceEvent } from './events.js';
import { BmpFramer, type BmpFramerOptions } from './bmp/framer.js';
import { BMP_TYPE_NAMES, decodeBmpMessage, type BmpMessage } from './bmp/message.js';
import { PEER_HEADER_SIZE, PeerHeaderCache, readPeerHeader, type PeerHeader } from './bmp/peer-header.js';
import type { PeerUpMessage } from './bmp/peer-up.js';
import type { RouteMonitoringMessage } from './bmp/route-monitoring.js';
import { Reader } from './reader.js';

export interface BmpCounters {
  /** BMP messages decoded, by type name ("route-monitoring", ..., "type-N"). */
  messages: Record<string, number>;
  unknownTypes: number;
  unknownTlvs: number;
  /** Decode problems by DecodeError code. */
  errors: Record<string, number>;
  /** UPDATEs carrying families we do not decode, by family name ("ipv4 mpls-vpn"). */
  otherFamilies: Record<string, number>;
  announces: number;
  withdraws: number;
}

interface PeerState {
  fourOctetAsn: boolean;
  /** ADD-PATH for routes received from the peer (Adj-RIB-In), by family name. */
  addPathIn: Set<string>;
  /** ADD-PATH for routes sent to the peer (Adj-RIB-Out, RFC 8671). */
  addPathOut: Set<string>;
}

/** Oldest per-peer timestamp taken as real (2000-01-01); later than arrival + 1 day is not. */
const MIN_PLAUSIBLE_SEC = 946_684_800;
const MAX_AHEAD_MS = 86_400_000;

export class BmpSession implements FastPathHost {
  readonly counters: BmpCounters = {
    messages: {},
    unknownTypes: 0,
    unknownTlvs: 0,
    errors: {},
    otherFamilies: {},
    announces: 0,
    withdraws: 0,
  };
  private readonly peers = new Map<string, PeerState>();
  private readonly addPathPolicy: AddPathPolicy;
  private readonly peerHeaders = new PeerHeaderCache();
  /** PeerRefs by peer key, shared (frozen) by the events of every message from that peer. */
  private readonly peerRefs = new Map<string, PeerRef>();
  private lastArrivalMs = -1;
  private lastArrivalIso = '';
  private lastTsKey = -1;
  private lastTsIso = '';

  private readonly fast: FastRouteMonitoring | null;
  /** Messages decoded by the fast path (the rest went through the general decoder). */
  fastPathMessages = 0;

  /** `fastPath: false` decodes every message with the general decoder (tests compare both). */
  /**
   * `attributeCacheBlocks`: decoded attribute blocks kept for reuse (see AttributeCache; about
   * 300 bytes each while kept).
   */
  constructor(
    readonly router: string,
    options: { fastPath?: boolean; attributeCacheBlocks?: number } = {},
  ) {
    this.addPathPolicy = new AddPathPolicy(options.attributeCacheBlocks);
    this.fast = options.fastPath === false ? null : new FastRouteMonitoring(this);
  }

  /** Decoded attribute blocks of this session (shared by the general and the fast path). */
  get attributeCache(): AttributeCache {
    return this.addPathPolicy.attributeCache;
  }

  /** Decodes one whole BMP message (from BmpFramer) that started at streamOffset. */
  decode(message: Buffer, streamOffset: number, arrivalTime: Date): RouteEvent[] {
    const out: RouteEvent[] = [];
    this.decodeInto(message, 0, message.length, streamOffset, arrivalTime, out);
    return out;
  }

  /**
   * Decodes the whole BMP message buf[start, end) (see BmpFramer.frame()), which starts at
   * stream offset streamOffset, appending its events to `out`. The common Route Monitoring
   * message takes the fast path (./bmp/fast-route-monitoring.ts); the rest, and anything the
   * fast path declines, the general decoder.
   */
  decodeInto(buf: Buffer, start: number, end: number, streamOffset: number, arrivalTime: Date, out: RouteEvent[]): void {
    if (this.fast !== null && this.fast.decode(buf, start, end, arrivalTime, out)) {
      this.fastPathMessages++;
      const c = this.counters;
      c.messages['route-monitoring'] = (c.messages['route-monitoring'] ?? 0) + 1;
      c.announces += this.fast.announced;
      c.withdraws += this.fast.withdrawn;
      return;
    }
    try {
      const env = decodeBmpMessage(start === 0 && end === buf.length ? buf : buf.subarray(start, end), streamOffset, this.peerHeaders);
      const name = BMP_TYPE_NAMES[env.type] ?? `type-${env.type}`;
      this.counters.messages[name] = (this.counters.messages[name] ?? 0) + 1;
      this.toEvents(env.message, arrivalTime, out);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      out.push(this.errorEvent(e, arrivalTime.toISOString()));
    }
  }

  /** @internal FastPathHost: the peer of the per-peer header at buf[p]. */
  fastPeer(buf: Buffer, p: number): FastPeer {
    const h = readPeerHeader(new Reader(buf, p, p + PEER_HEADER_SIZE), this.peerHeaders);
    const state = this.peers.get(h.key);
    const known = state === undefined ? null : h.adjRibOut ? state.addPathOut : state.addPathIn;
    return {
      ref: this.peerRefOf(h),
      fourOctetAsn: !h.twoByteAs,
      addPathV4: known === null ? null : known.has('ipv4 unicast'),
      addPathV6: known === null ? null : known.has('ipv6 unicast'),
    };
  }

  /** The error event for a problem (also counted); used for framing errors by the caller too. */
  errorEvent(e: DecodeError, time: string): ErrorEvent {
    this.counters.errors[e.code] = (this.counters.errors[e.code] ?? 0) + 1;
    return {
      type: 'error',
      source: 'bmp',
      time,
      router: this.router,
      code: e.code,
      offset: e.offset,
      message: e.message,
      severity: e.severity,
    };
  }

  private toEvents(m: BmpMessage, arrival: Date, out: RouteEvent[]): void {
    if (m.kind === 'unknown') {
      this.counters.unknownTypes++;
      return;
    }
    this.counters.unknownTlvs += m.unknownTlvs;
    const base = { source: 'bmp' as const, router: this.router };
    if (m.kind === 'initiation' || m.kind === 'termination') {
      const reasonCode = m.kind === 'termination' ? m.reasonCode : undefined;
      out.push({ ...base, type: m.kind, time: arrival.toISOString(), info: m.info, ...(reasonCode !== undefined ? { reasonCode } : {}) });
      return;
    }
    const time = this.time(m.peer, arrival);
    const peer = this.peerRefOf(m.peer);
    switch (m.kind) {
      case 'route-monitoring':
        this.routeMonitoring(m, peer, time, out);
        return;
      case 'peer-up':
        this.learnPeer(m);
        for (const e of m.issues) out.push(this.errorEvent(e, time));
        out.push({
          ...base,
          type: 'peer_up',
          time,
          peer,
          localAddress: m.localAddress,
          localPort: m.localPort,
          remotePort: m.remotePort,
          sentOpen: m.sentOpen,
          receivedOpen: m.receivedOpen,
          info: m.info,
        });
        return;
      case 'peer-down':
        this.peers.delete(m.peer.key);
        this.fast?.invalidatePeers();
        out.push({
          ...base,
          type: 'peer_down',
          time,
          peer,
          reasonCode: m.reasonCode,
          reason: m.reason,
          notification: m.notification,
          fsmEvent: m.fsmEvent,
        });
        return;
      case 'stats':
        out.push({ ...base, type: 'stats', time, peer, stats: m.stats });
        return;
      case 'mirror':
        out.push({ ...base, type: 'mirror', time, peer, info: m.info });
        return;
    }
  }

  private peerRefOf(h: PeerHeader): PeerRef {
    const known = this.peerRefs.get(h.key);
    if (known !== undefined && sameRef(known, h)) return known;
    const ref = Object.freeze(peerRef(h));
    if (this.peerRefs.size >= MAX_PEER_REFS) this.peerRefs.clear();
    this.peerRefs.set(h.key, ref);
    return ref;
  }

  private learnPeer(m: PeerUpMessage): void {
    const sent = m.sentOpen.capabilities;
    const recv = m.receivedOpen.capabilities;
    const addPathIn = new Set<string>();
    const addPathOut = new Set<string>();
    const locRib = m.peer.type === 3;
    for (const fam of new Set([...Object.keys(sent.addPath), ...Object.keys(recv.addPath)])) {
      // RFC 7911 4: path IDs flow from a "send" side to a "receive" side. A Loc-RIB Peer Up
      // carries fabricated OPENs (RFC 9069 5.3): any ADD-PATH mention counts.
      if (locRib || (addPathAllows(recv.addPath[fam], 'send') && addPathAllows(sent.addPath[fam], 'receive'))) addPathIn.add(fam);
      if (locRib || (addPathAllows(sent.addPath[fam], 'send') && addPathAllows(recv.addPath[fam], 'receive'))) addPathOut.add(fam);
    }
    this.peers.set(m.peer.key, { fourOctetAsn: sent.fourOctetAsn && recv.fourOctetAsn, addPathIn, addPathOut });
    this.fast?.invalidatePeers();
  }

  private routeMonitoring(m: RouteMonitoringMessage, peer: PeerRef, time: string, out: RouteEvent[]): void {
    const h = m.peer;
    const state = this.peers.get(h.key);
    const policy = this.addPathPolicy;
    policy.stateless = m.statelessCaps;
    policy.known = state === undefined ? null : h.adjRibOut ? state.addPathOut : state.addPathIn;
    policy.direction = h.adjRibOut ? 'send' : 'receive';
    policy.locRib = h.type === 3;
    // RFC 7854 4.2: the A flag says the AS_PATH in this message has 2-octet ASNs; without
    // it the message uses 4-octet ASNs (the BMP speaker may have reformatted the path).
    policy.fourOctetAsn = !h.twoByteAs;
    const upd = decodeUpdateBody(m.update, policy);
    for (const e of upd.issues) out.push(this.errorEvent(e, time));
    for (const fam of upd.otherFamilies) this.counters.otherFamilies[fam] = (this.counters.otherFamilies[fam] ?? 0) + 1;
    const base = { source: 'bmp' as const, router: this.router, time, peer };
    if (upd.eor !== null) {
      out.push({ ...base, type: 'eor', afi: upd.eor.afi, safi: upd.eor.safi });
      return;
    }
    for (const f of upd.withdrawn) this.withdraws(base, f, 'bgp', out);
    if (upd.attributes === null) {
      for (const f of upd.announced) this.withdraws(base, f, 'treat-as-withdraw', out);
      return;
    }
    for (const f of upd.announced) this.announces(base, f, upd.attributes, out);
  }

  private withdraws(
    base: Pick<WithdrawEvent, 'source' | 'router' | 'time' | 'peer'>,
    f: FamilyRoutes,
    cause: WithdrawEvent['cause'],
    out: RouteEvent[],
  ): void {
    for (const p of f.prefixes) {
      out.push({
        type: 'withdraw',
        source: base.source,
        time: base.time,
        router: base.router,
        peer: base.peer,
        afi: f.afi,
        safi: f.safi,
        prefix: p.prefix,
        pathId: p.pathId,
        cause,
      });
    }
    this.counters.withdraws += f.prefixes.length;
  }

  private announces(
    base: Pick<AnnounceEvent, 'source' | 'router' | 'time' | 'peer'>,
    f: FamilyRoutes,
    a: RouteAttributes,
    out: RouteEvent[],
  ): void {
    for (const p of f.prefixes) out.push(announceEvent('bmp', base.router, base.time, base.peer, f.afi, f.safi, p.prefix, p.pathId, f.nextHop, f.nextHopLinkLocal, a));
    this.counters.announces += f.prefixes.length;
  }

  private arrivalIso(arrival: Date): string {
    const ms = arrival.getTime();
    if (ms !== this.lastArrivalMs) {
      this.lastArrivalMs = ms;
      this.lastArrivalIso = arrival.toISOString();
    }
    return this.lastArrivalIso;
  }

  /** The per-peer header time when non-zero and plausible, else the arrival time (ISO-8601). */
  private time(h: PeerHeader, arrival: Date): string {
    return this.timeOf(h.tsSec, h.tsUsec, arrival);
  }

  /** @internal FastPathHost: the time of a per-peer header timestamp (see time()). */
  timeOf(tsSec: number, tsUsec: number, arrival: Date): string {
    const ms = tsSec * 1000 + Math.floor(tsUsec / 1000);
    if (tsSec < MIN_PLAUSIBLE_SEC || ms > arrival.getTime() + MAX_AHEAD_MS) return this.arrivalIso(arrival);
    if (ms !== this.lastTsKey) {
      this.lastTsKey = ms;
      this.lastTsIso = new Date(ms).toISOString();
    }
    return this.lastTsIso;
  }
}

/**
 * ADD-PATH and ASN width for one Route Monitoring message (one reused object: no closure per
 * message on the hot path).
 */
class AddPathPolicy implements UpdateOptions {
  fourOctetAsn = true;
  stateless: BgpCapabilities | null = null;
  known: Set<string> | null = null;
  direction: 'send' | 'receive' = 'receive';
  locRib = false;
  readonly attributeCache: AttributeCache;

  constructor(attributeCacheBlocks?: number) {
    this.attributeCache = new AttributeCache(attributeCacheBlocks);
  }

  addPath(afi: number, safi: number): boolean | null {
    const fam = familyName(afi, safi);
    if (this.stateless !== null) {
      // v4 stateless-parsing TLV: the router's own ADD-PATH mode with this peer, so path IDs
      // are present on Adj-RIB-In when it receives them, on Adj-RIB-Out when it sends them.
      const mode = this.stateless.addPath[fam];
      return this.locRib ? mode !== undefined : addPathAllows(mode, this.direction);
    }
    return this.known === null ? null : this.known.has(fam);
  }
}

const MAX_PEER_REFS = 10_000;

function sameRef(p: PeerRef, h: PeerHeader): boolean {
  return (
    p.address === h.address &&
    p.asn === h.asn &&
    p.bgpId === h.bgpId &&
    p.type === h.typeName &&
    p.distinguisher === h.distinguisher &&
    p.postPolicy === h.postPolicy &&
    p.adjRibOut === h.adjRibOut
  );
}

export function peerRef(h: PeerHeader): PeerRef {
  return {
    address: h.address,
    asn: h.asn,
    bgpId: h.bgpId,
    type: h.typeName,
    distinguisher: h.distinguisher,
    postPolicy: h.postPolicy,
    adjRibOut: h.adjRibOut,
  };
}

export interface DecodeStreamOptions extends BmpFramerOptions {
  /** Arrival time given to every message (default: now). */
  arrivalTime?: Date;
}

/**
 * Frames and decodes a whole recorded stream (e.g. `smoketrace decode bmp FILE`).
 * A framing error (or a truncated last message) yields one error event and stops.
 */
export function decodeBmpStream(
  buf: Buffer,
  router: string,
  options: DecodeStreamOptions = {},
): { events: RouteEvent[]; counters: BmpCounters } {
  const arrival = options.arrivalTime ?? new Date();
  const session = new BmpSession(router);
  const framer = new BmpFramer(options);
  const events: RouteEvent[] = [];
  let messages: Buffer[] = [];
  let framingError: DecodeError | null = null;
  try {
    messages = framer.push(buf);
    framer.end();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    framingError = e;
  }
  const offsets = framer.lastOffsets;
  for (let i = 0; i < messages.length; i++) {
    for (const ev of session.decode(messages[i]!, offsets[i]!, arrival)) events.push(ev);
  }
  if (framingError !== null) events.push(session.errorEvent(framingError, arrival.toISOString()));
  return { events, counters: session.counters };
}
