/**
 * The fast path for the common BMP message: a v3 Route Monitoring (RFC 7854 4.6) whose UPDATE
 * announces or withdraws IPv4/IPv6 unicast prefixes. Its attribute block is looked up in the
 * session's cache (../bgp/attribute-cache.ts) and, when new, decoded once and kept. It reads
 * the message in place with offsets (no Reader, no sub-buffers, no intermediate message
 * objects) and writes the RouteEvents straight into the caller's array.
 *
 * It gives exactly the events the general decoder (./message.ts, ../bgp/update.ts,
 * ../bmp-normalize.ts) gives, or declines: anything else (another message type or version,
 * End-of-RIB, an attribute block with any issue, another family, any malformation) returns
 * false with no event written and no counter moved but the cache's misses (a clean new block
 * may have been cached, and counted as decoded), and the general decoder takes the message.
 */
import { announceEvent } from '../events.js';
import type { PeerRef, RouteAttributes, RouteEvent, WithdrawEvent } from '../types.js';
import { HAS_AS_PATH, HAS_NEXT_HOP, HAS_ORIGIN, type AttributeCache, type BlockScan } from '../bgp/attribute-cache.js';
import { decodeForCache } from '../bgp/attributes.js';
import { guessAddPath } from '../bgp/nlri.js';
import { ipv4PrefixText, ipv4Text, ipv6PrefixText, ipv6Text, LastView } from '../reader.js';

/** What the fast path needs of a peer, resolved once per per-peer header identity. */
export interface FastPeer {
  ref: PeerRef;
  /** AS_PATH width of this peer's messages (RFC 7854 4.2 A flag). */
  fourOctetAsn: boolean;
  /** ADD-PATH for IPv4 / IPv6 unicast: known from the Peer Up, or null (guess from the bytes). */
  addPathV4: boolean | null;
  addPathV6: boolean | null;
}

export interface FastPathHost {
  readonly router: string;
  readonly attributeCache: AttributeCache;
  /** Resolves the per-peer header at buf[p] (its identity octets; no counters moved). */
  fastPeer(buf: Buffer, p: number): FastPeer;
  /** The event time for a per-peer header timestamp (see BmpSession). */
  timeOf(tsSec: number, tsUsec: number, arrival: Date): string;
}

const PEER_HEADER = 42;
const IDENTITY = 34;
const BGP_HEADER = 19;
const ATTR_MP_REACH = 14;
const OPTIONAL_TRANSITIVE_MASK = 0xc0;
/** MP_REACH / MP_UNREACH are optional non-transitive (RFC 4760 3, 4). */
const OPTIONAL = 0x80;
const FLAG_EXTENDED = 0x10;

/** ORIGIN and AS_PATH: required with any NLRI (RFC 7606 3d). */
const MANDATORY = HAS_ORIGIN | HAS_AS_PATH;

const SCAN: BlockScan = { count: 0, mpReachAt: -1, mpUnreachAt: -1, keyLength: 0 };

export class FastRouteMonitoring {
  /**
   * Identity octets of the last per-peer header (as eight 32-bit words and a 16-bit one, compared
   * a word at a time) and what they resolved to.
   */
  private readonly lastIdentity = new Int32Array(9);
  private lastPeer: FastPeer | null = null;
  /** A view of the buffer of the last message (the messages of a chunk share one). */
  private readonly views = new LastView();
  /** The last MP_REACH next hop field (bytes) and its text. */
  private readonly lastNh = Buffer.alloc(32);
  private lastNhLen = -1;
  private lastNhText: string | null = null;
  private lastNhLinkLocal: string | null = null;
  /** Set by the last successful decode(). */
  announced = 0;
  withdrawn = 0;

  constructor(private readonly host: FastPathHost) {}

  /** Forget the resolved peers (their session state changed: Peer Up, Peer Down). */
  invalidatePeers(): void {
    this.lastPeer = null;
  }

  /**
   * Decodes the message buf[s, e) into `out` when it is of the fast kind; returns false (out
   * untouched) otherwise.
   */
  decode(buf: Buffer, s: number, e: number, arrival: Date, out: RouteEvent[]): boolean {
    if (buf[s] !== 3 || buf[s + 5] !== 0 || e - s < 6 + PEER_HEADER + BGP_HEADER + 4) return false;
    const ph = s + 6;
    const view = this.views.of(buf);
    const peer = this.peerAt(buf, view, ph);
    const bgp = ph + PEER_HEADER;
    // The marker: sixteen 0xff octets (RFC 4271 4.1).
    if ((view.getInt32(bgp) & view.getInt32(bgp + 4) & view.getInt32(bgp + 8) & view.getInt32(bgp + 12)) !== -1) return false;
    if (((buf[bgp + 16]! << 8) | buf[bgp + 17]!) !== e - bgp || buf[bgp + 18] !== 2) return false;
    let p = bgp + BGP_HEADER;
    const wLen = (buf[p]! << 8) | buf[p + 1]!;
    const wStart = p + 2;
    p = wStart + wLen;
    if (p + 2 > e) return false;
    const aLen = (buf[p]! << 8) | buf[p + 1]!;
    const aStart = p + 2;
    const aEnd = aStart + aLen;
    if (aEnd > e) return false;
    const hasNlri = aEnd < e;
    if (wLen === 0 && aLen === 0 && !hasNlri) return false; // End-of-RIB

    let entry = -1;
    let newBlock = false;
    let reachAt = -1;
    let unreachAt = -1;
    const cache = this.host.attributeCache;
    if (aLen > 0) {
      if (!cache.scan(buf, aStart, aEnd, SCAN)) return false;
      entry = cache.lookup(buf, aStart, aEnd, SCAN, peer.fourOctetAsn);
      if (entry < 0) {
        // A new block: decoded here and kept (a tenth of the bench table's UPDATEs, more in real
        // transit tables; the general decoder's message objects cost more than the block's own
        // decode). One with any issue is left to the general decoder, which reports it.
        entry = decodeForCache(cache, buf, aStart, aEnd, SCAN, peer.fourOctetAsn);
        if (entry < 0) return false;
        // Counted now: should the message be declined below, the general decoder finds the block kept.
        cache.misses++;
        newBlock = true;
      }
      reachAt = SCAN.mpReachAt;
      unreachAt = SCAN.mpUnreachAt;
      // End-of-RIB of another family: MP_UNREACH alone and empty.
      if (unreachAt >= 0 && SCAN.count === 1 && wLen === 0 && !hasNlri && mpEnd(buf, unreachAt) === valueStart(buf, unreachAt) + 3) return false;
      // RFC 7606 3d (the general path reports it): ORIGIN, AS_PATH, and NEXT_HOP for classic NLRI.
      const has = cache.has(entry);
      if ((hasNlri || reachAt >= 0) && ((has & MANDATORY) !== MANDATORY || (hasNlri && (has & HAS_NEXT_HOP) === 0))) return false;
    } else if (hasNlri) return false;

    const mark = out.length;
    const time = this.host.timeOf(view.getUint32(ph + IDENTITY), view.getUint32(ph + IDENTITY + 4), arrival);
    const router = this.host.router;
    let withdrawn = 0;
    let announced = 0;
    if (wLen > 0) {
      const n = this.prefixes(buf, wStart, wStart + wLen, false, peer.addPathV4, router, time, peer.ref, null, null, null, out);
      if (n < 0) return fail(out, mark);
      withdrawn += n;
    }
    if (unreachAt >= 0) {
      const n = this.mpUnreach(buf, unreachAt, peer, router, time, out);
      if (n < 0) return fail(out, mark);
      withdrawn += n;
    }
    if (entry >= 0) {
      const a = cache.attributes(entry);
      if (hasNlri) {
        const n = this.prefixes(buf, aEnd, e, false, peer.addPathV4, router, time, peer.ref, a.nextHop, null, a, out);
        if (n < 0) return fail(out, mark);
        announced += n;
      }
      if (reachAt >= 0) {
        const n = this.mpReach(buf, reachAt, peer, router, time, a, out);
        if (n < 0) return fail(out, mark);
        announced += n;
      }
    }
    this.announced = announced;
    this.withdrawn = withdrawn;
    if (!newBlock && entry >= 0) cache.hits++;
    return true;
  }

  private peerAt(buf: Buffer, view: DataView, p: number): FastPeer {
    const id = this.lastIdentity;
    const last = this.lastPeer;
    if (last !== null) {
      let same = view.getUint16(p + 32) === id[8];
      for (let i = 0; same && i < 8; i++) same = view.getInt32(p + 4 * i) === id[i];
      if (same) return last;
    }
    const peer = this.host.fastPeer(buf, p);
    for (let i = 0; i < 8; i++) id[i] = view.getInt32(p + 4 * i);
    id[8] = view.getUint16(p + 32);
    this.lastPeer = peer;
    return peer;
  }

  /** MP_UNREACH_NLRI at buf[at]: withdraws, or -1 to decline. */
  private mpUnreach(buf: Buffer, at: number, peer: FastPeer, router: string, time: string, out: RouteEvent[]): number {
    const v = valueStart(buf, at);
    const end = mpEnd(buf, at);
    if ((buf[at]! & OPTIONAL_TRANSITIVE_MASK) !== OPTIONAL || end - v < 3) return -1;
    const afi = (buf[v]! << 8) | buf[v + 1]!;
    if (buf[v + 2] !== 1 || (afi !== 1 && afi !== 2)) return -1;
    const v6 = afi === 2;
    return this.prefixes(buf, v + 3, end, v6, v6 ? peer.addPathV6 : peer.addPathV4, router, time, peer.ref, null, null, null, out);
  }

  /** MP_REACH_NLRI at buf[at]: announces, or -1 to decline. */
  private mpReach(buf: Buffer, at: number, peer: FastPeer, router: string, time: string, a: RouteAttributes, out: RouteEvent[]): number {
    const v = valueStart(buf, at);
    const end = mpEnd(buf, at);
    if ((buf[at]! & OPTIONAL_TRANSITIVE_MASK) !== OPTIONAL || end - v < 5) return -1;
    const afi = (buf[v]! << 8) | buf[v + 1]!;
    if (buf[v + 2] !== 1 || (afi !== 1 && afi !== 2)) return -1;
    const nhLen = buf[v + 3]!;
    const nh = v + 4;
    const nlri = nh + nhLen + 1; // the reserved octet after the next hop
    if (nlri > end) return -1;
    this.nextHop(buf, nh, nhLen);
    const v6 = afi === 2;
    return this.prefixes(buf, nlri, end, v6, v6 ? peer.addPathV6 : peer.addPathV4, router, time, peer.ref, this.lastNhText, this.lastNhLinkLocal, a, out);
  }

  /** Sets lastNhText / lastNhLinkLocal for the MP_REACH next-hop field buf[p, p + len) (RFC 2545 3). */
  private nextHop(buf: Buffer, p: number, len: number): void {
    if (len === this.lastNhLen) {
      const nh = this.lastNh;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (buf[p + i] !== nh[i]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    let text: string | null = null;
    let linkLocal: string | null = null;
    if (len === 4) text = ipv4Text(buf, p);
    else if (len === 16 || len === 32) {
      text = ipv6Text(buf, p);
      if (len === 32) linkLocal = ipv6Text(buf, p + 16);
    }
    if (len <= 32) {
      buf.copy(this.lastNh, 0, p, p + len);
      this.lastNhLen = len;
    } else this.lastNhLen = -1;
    this.lastNhText = text;
    this.lastNhLinkLocal = linkLocal;
  }

  /**
   * The prefixes of an NLRI field buf[p, end) as announces with attributes `a`, or as
   * withdraws when `a` is null; the count, or -1 to decline (a prefix does not parse).
   */
  private prefixes(
    buf: Buffer,
    p: number,
    end: number,
    v6: boolean,
    addPath: boolean | null,
    router: string,
    time: string,
    peer: PeerRef,
    nextHop: string | null,
    nextHopLinkLocal: string | null,
    a: RouteAttributes | null,
    out: RouteEvent[],
  ): number {
    const maxBits = v6 ? 128 : 32;
    const withId = addPath ?? guessAddPath(buf, p, end, maxBits);
    const afi = v6 ? 'ipv6' : 'ipv4';
    let n = 0;
    while (p < end) {
      let pathId: number | null = null;
      if (withId) {
        if (p + 4 > end) return -1;
        pathId = buf.readUInt32BE(p);
        p += 4;
      }
      if (p >= end) return -1;
      const bits = buf[p]!;
      const q = p + 1 + ((bits + 7) >> 3);
      if (bits > maxBits || q > end) return -1;
      const prefix = v6 ? ipv6PrefixText(buf, p + 1, bits) : ipv4PrefixText(buf, p + 1, bits);
      p = q;
      if (a === null) {
        const ev: WithdrawEvent = { type: 'withdraw', source: 'bmp', time, router, peer, afi, safi: 'unicast', prefix, pathId, cause: 'bgp' };
        out.push(ev);
      } else out.push(announceEvent('bmp', router, time, peer, afi, 'unicast', prefix, pathId, nextHop, nextHopLinkLocal, a));
      n++;
    }
    return n;
  }
}

function fail(out: RouteEvent[], mark: number): false {
  out.length = mark;
  return false;
}

function valueStart(buf: Buffer, at: number): number {
  return at + ((buf[at]! & FLAG_EXTENDED) !== 0 ? 4 : 3);
}

function mpEnd(buf: Buffer, at: number): number {
  return (buf[at]! & FLAG_EXTENDED) !== 0 ? at + 4 + ((buf[at + 2]! << 8) | buf[at + 3]!) : at + 3 + buf[at + 2]!;
}
