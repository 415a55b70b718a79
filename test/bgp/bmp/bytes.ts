/** Byte builders for hand-written BMP/BGP test messages (annotated arrays, dns-packet style). */

export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** BMP common header (RFC 7854 4.1) + body. */
export function bmp(type: number, body: number[], version = 3): Buffer {
  return Buffer.from([version, ...u32(6 + body.length), type, ...body]);
}

export interface PeerOpts {
  type?: number;
  flags?: number;
  address?: number[];
  asn?: number;
  tsSec?: number;
}

/** Per-peer header (RFC 7854 4.2), IPv4 peer 192.0.2.1 AS 65001 by default. */
export function peerHeader(o: PeerOpts = {}): number[] {
  const addr = o.address ?? [192, 0, 2, 1];
  return [
    o.type ?? 0, // peer type
    o.flags ?? 0, // flags
    ...new Array<number>(8).fill(0), // peer distinguisher
    ...new Array<number>(16 - addr.length).fill(0),
    ...addr, // peer address
    ...u32(o.asn ?? 65001), // peer AS
    198, 51, 100, 1, // peer BGP ID
    ...u32(o.tsSec ?? 1_700_000_000), // timestamp seconds
    ...u32(500_000), // timestamp microseconds
  ];
}

/** BGP header (RFC 4271 4.1) + body. */
export function bgp(type: number, body: number[]): number[] {
  return [...new Array<number>(16).fill(0xff), ...u16(19 + body.length), type, ...body];
}

/** UPDATE body from withdrawn routes, attributes, NLRI. */
export function updateBody(withdrawn: number[], attrs: number[], nlri: number[]): number[] {
  return [...u16(withdrawn.length), ...withdrawn, ...u16(attrs.length), ...attrs, ...nlri];
}

/** A Route Monitoring message carrying one UPDATE. */
export function routeMonitoring(update: number[], peer: PeerOpts = {}): Buffer {
  return bmp(0, [...peerHeader(peer), ...bgp(2, update)]);
}

/** A 4-octet-AS OPEN (with optional extra capabilities, as code/len/value bytes). */
export function open(asn: number, extraCaps: number[] = []): number[] {
  const caps = [
    65, 4, ...u32(asn), // 4-octet AS capability
    1, 4, 0, 1, 0, 1, // MP: ipv4 unicast
    ...extraCaps,
  ];
  return bgp(1, [
    4, // version
    ...u16(asn > 65535 ? 23456 : asn), // my AS
    0, 90, // hold time
    192, 0, 2, asn & 0xff, // BGP ID
    caps.length + 2, // optional parameters length
    2, caps.length, ...caps, // parameter 2: capabilities
  ]);
}

/** Peer Up (RFC 7854 4.10) with the given OPENs. */
export function peerUp(sent: number[], received: number[], peer: PeerOpts = {}): Buffer {
  return bmp(3, [
    ...peerHeader(peer),
    ...new Array<number>(12).fill(0), 192, 0, 2, 254, // local address
    ...u16(179), // local port
    ...u16(40000), // remote port
    ...sent,
    ...received,
  ]);
}
