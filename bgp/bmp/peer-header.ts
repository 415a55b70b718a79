/**
 * The BMP per-peer header (RFC 7854 4.2): 42 octets shared by every peer-specific message.
 * Peer types: 0 global, 1 RD instance, 2 local instance, 3 Loc-RIB instance (RFC 9069 4.1).
 * Flags for types 0-2: V (IPv6), L (post-policy), A (legacy 2-octet AS_PATH), O (Adj-RIB-Out,
 * RFC 8671 4); for type 3 the only flag is F (Loc-RIB filtered, RFC 9069 4.2).
 */
import type { PeerType } from '../types.js';
import { ipv4Text, ipv6Text, type Reader } from '../reader.js';

export const PEER_HEADER_SIZE = 42;

const PEER_TYPES: PeerType[] = ['global', 'rd', 'local', 'loc-rib'];
const FLAG_V = 0x80;
const FLAG_L = 0x40;
const FLAG_A = 0x20;
const FLAG_O = 0x10;
const FLAG_F = 0x80;

export interface PeerHeader {
  type: number;
  typeName: PeerType;
  flags: number;
  ipv6: boolean;
  postPolicy: boolean;
  /** A flag: the AS_PATH in this message uses 2-octet ASNs. */
  twoByteAs: boolean;
  adjRibOut: boolean;
  /** F flag of a Loc-RIB peer. */
  filtered: boolean;
  distinguisher: string;
  address: string;
  asn: number;
  bgpId: string;
  tsSec: number;
  tsUsec: number;
  /** Identifies the peer across messages (type, distinguisher, address): session state key. */
  key: string;
}

/**
 * The per-peer headers seen recently (a session sees few peers, each in many messages): the
 * text of a header whose first 34 octets (type, flags, distinguisher, address, AS, BGP ID)
 * were seen before is reused; only the timestamp is read again. Keyed by those octets as a
 * latin1 string (built, hashed and compared natively by V8).
 */
export class PeerHeaderCache {
  private readonly byIdentity = new Map<string, PeerHeader>();

  constructor(readonly capacity = 1024) {}

  /** The header at buf[p] when its identity octets were seen before, with this timestamp. */
  get(buf: Buffer, p: number): PeerHeader | null {
    const h = this.byIdentity.get(buf.toString('latin1', p, p + IDENTITY_SIZE));
    if (h === undefined) return null;
    return {
      type: h.type,
      typeName: h.typeName,
      flags: h.flags,
      ipv6: h.ipv6,
      postPolicy: h.postPolicy,
      twoByteAs: h.twoByteAs,
      adjRibOut: h.adjRibOut,
      filtered: h.filtered,
      distinguisher: h.distinguisher,
      address: h.address,
      asn: h.asn,
      bgpId: h.bgpId,
      tsSec: buf.readUInt32BE(p + IDENTITY_SIZE),
      tsUsec: buf.readUInt32BE(p + IDENTITY_SIZE + 4),
      key: h.key,
    };
  }

  set(buf: Buffer, p: number, header: PeerHeader): void {
    if (this.byIdentity.size >= this.capacity) this.byIdentity.clear();
    this.byIdentity.set(buf.toString('latin1', p, p + IDENTITY_SIZE), header);
  }
}

/** Octets of the per-peer header before the timestamp. */
const IDENTITY_SIZE = 34;

/** Reads the per-peer header; with a cache, a header seen before costs no text building. */
export function readPeerHeader(r: Reader, cache?: PeerHeaderCache): PeerHeader {
  if (cache === undefined || r.remaining < PEER_HEADER_SIZE) return decodePeerHeader(r);
  const p = r.position;
  const cached = cache.get(r.buf, p);
  if (cached !== null) {
    r.skip(PEER_HEADER_SIZE);
    return cached;
  }
  const h = decodePeerHeader(r);
  cache.set(r.buf, p, h);
  return h;
}

function decodePeerHeader(r: Reader): PeerHeader {
  const type = r.u8();
  const flags = r.u8();
  const rd = r.advance(8);
  const addr = r.advance(16);
  const buf = r.buf;
  const asn = r.u32();
  const bgpId = r.ipv4();
  const tsSec = r.u32();
  const tsUsec = r.u32();
  const locRib = type === 3;
  const ipv6 = !locRib && (flags & FLAG_V) !== 0;
  const address = ipv6 ? ipv6Text(buf, addr) : ipv4Text(buf, addr + 12);
  const distinguisher = distinguisherText(buf, rd);
  return {
    type,
    typeName: PEER_TYPES[type] ?? 'unknown',
    flags,
    ipv6,
    postPolicy: !locRib && (flags & FLAG_L) !== 0,
    twoByteAs: !locRib && (flags & FLAG_A) !== 0,
    adjRibOut: !locRib && (flags & FLAG_O) !== 0,
    filtered: locRib && (flags & FLAG_F) !== 0,
    distinguisher,
    address,
    asn,
    bgpId,
    tsSec,
    tsUsec,
    key: `${type}|${distinguisher}|${address}`,
  };
}

/** Route Distinguisher text (RFC 4364 4.2): type 0 "asn2:n32", type 1 "ipv4:n16", type 2 "asn4:n16". */
export function distinguisherText(b: Buffer, p = 0): string {
  const type = (b[p]! << 8) | b[p + 1]!;
  if (type === 0) return `${(b[p + 2]! << 8) | b[p + 3]!}:${b.readUInt32BE(p + 4)}`;
  if (type === 1) return `${ipv4Text(b, p + 2)}:${(b[p + 6]! << 8) | b[p + 7]!}`;
  if (type === 2) return `${b.readUInt32BE(p + 2)}:${(b[p + 6]! << 8) | b[p + 7]!}`;
  return `0x${b.toString('hex', p, p + 8)}`;
}
