/**
 * One captured frame down to its TCP segment: the link layers tcpdump and Wireshark write for
 * the interfaces a collector listens on (Ethernet with 802.1Q/802.1ad tags, Linux cooked
 * captures v1 and v2 from `-i any`, raw IP, BSD loopback), IPv4 (RFC 791) and IPv6 (RFC 8200,
 * extension headers walked), TCP (RFC 9293).
 *
 * Anything else (ARP, UDP, an IP fragment, a frame cut short) is not an error: it gives a
 * reason, and the caller counts it.
 */
import { ipv4Text, ipv6Text } from '../../bgp/reader.js';

export interface TcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  syn: boolean;
  fin: boolean;
  rst: boolean;
  /** The segment's data (a view of the frame). */
  payload: Buffer;
}

/** Why a frame gave no TCP segment. */
export type NotTcp = 'link' | 'not-ip' | 'not-tcp' | 'fragment' | 'short';

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
/** DLT_RAW of some BSDs (12 on most, 14 on OpenBSD), LINKTYPE_RAW elsewhere. */
const LINKTYPE_RAW = new Set([12, 14, 101]);
const LINKTYPE_LOOP = 108;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = new Set([0x8100, 0x88a8, 0x9100]);

const PROTO_TCP = 6;
/** IPv6 extension headers in front of TCP: hop-by-hop, routing, destination options. */
const IPV6_SKIPPABLE = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

/** The TCP segment of a captured frame, or why there is none. */
export function tcpSegment(linkType: number, frame: Buffer): TcpSegment | NotTcp {
  const ip = ipStart(linkType, frame);
  if (typeof ip === 'string') return ip;
  if (ip >= frame.length) return 'short';
  const version = frame[ip]! >> 4;
  if (version === 4) return fromIpv4(frame, ip);
  if (version === 6) return fromIpv6(frame, ip);
  return 'not-ip';
}

/** Where the IP header starts in the frame, or why there is none. */
function ipStart(linkType: number, f: Buffer): number | NotTcp {
  if (linkType === LINKTYPE_ETHERNET) {
    let p = 12;
    if (f.length < p + 2) return 'short';
    let type = f.readUInt16BE(p);
    while (ETHERTYPE_VLAN.has(type)) {
      p += 4;
      if (f.length < p + 2) return 'short';
      type = f.readUInt16BE(p);
    }
    return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? p + 2 : 'not-ip';
  }
  if (linkType === LINKTYPE_LINUX_SLL) {
    if (f.length < 16) return 'short';
    const type = f.readUInt16BE(14);
    return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? 16 : 'not-ip';
  }
  if (linkType === LINKTYPE_LINUX_SLL2) {
    if (f.length < 20) return 'short';
    const type = f.readUInt16BE(0);
    return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? 20 : 'not-ip';
  }
  if (LINKTYPE_RAW.has(linkType) || linkType === LINKTYPE_IPV4 || linkType === LINKTYPE_IPV6) return 0;
  if (linkType === LINKTYPE_NULL || linkType === LINKTYPE_LOOP) {
    // A 4-byte address family (host order for NULL, network order for LOOP); the IP version
    // nibble after it tells IPv4 from IPv6 whatever the family numbering of the capturing OS.
    return f.length < 5 ? 'short' : 4;
  }
  return 'link';
}

function fromIpv4(f: Buffer, ip: number): TcpSegment | NotTcp {
  if (f.length < ip + 20) return 'short';
  const headerLength = (f[ip]! & 0x0f) * 4;
  const total = f.readUInt16BE(ip + 2);
  if (headerLength < 20 || total < headerLength) return 'short';
  if (f[ip + 9] !== PROTO_TCP) return 'not-tcp';
  // More fragments, or a fragment offset: not a whole segment.
  if ((f.readUInt16BE(ip + 6) & 0x3fff) !== 0) return 'fragment';
  // The IP length, not the frame's: Ethernet pads short frames.
  const end = ip + total;
  if (end > f.length) return 'short';
  return fromTcp(f, ip + headerLength, end, ipv4Text(f, ip + 12), ipv4Text(f, ip + 16));
}

function fromIpv6(f: Buffer, ip: number): TcpSegment | NotTcp {
  if (f.length < ip + 40) return 'short';
  const end = ip + 40 + f.readUInt16BE(ip + 4);
  if (end > f.length) return 'short';
  let next = f[ip + 6]!;
  let p = ip + 40;
  while (IPV6_SKIPPABLE.has(next)) {
    if (p + 8 > end) return 'short';
    const following = f[p]!;
    p += (f[p + 1]! + 1) * 8;
    next = following;
  }
  if (next === IPV6_FRAGMENT) return 'fragment';
  if (next !== PROTO_TCP) return 'not-tcp';
  return fromTcp(f, p, end, ipv6Text(f, ip + 8), ipv6Text(f, ip + 24));
}

function fromTcp(f: Buffer, p: number, end: number, src: string, dst: string): TcpSegment | NotTcp {
  if (p + 20 > end) return 'short';
  const dataOffset = (f[p + 12]! >> 4) * 4;
  if (dataOffset < 20 || p + dataOffset > end) return 'short';
  const flags = f[p + 13]!;
  return {
    src,
    dst,
    srcPort: f.readUInt16BE(p),
    dstPort: f.readUInt16BE(p + 2),
    seq: f.readUInt32BE(p + 4),
    syn: (flags & 0x02) !== 0,
    fin: (flags & 0x01) !== 0,
    rst: (flags & 0x04) !== 0,
    payload: f.subarray(p + dataOffset, end),
  };
}
