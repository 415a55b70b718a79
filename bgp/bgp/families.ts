/**
 * AFI/SAFI names (IANA "Address Family Numbers" and "SAFI Values" registries).
 * Only ipv4/ipv6 unicast NLRI are interpreted; other families keep their name and are counted.
 */
import type { Afi, Safi } from '../types.js';

export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const AFI_L2VPN = 25;
export const SAFI_UNICAST = 1;

const SAFI_NAMES: Record<number, string> = {
  1: 'unicast',
  2: 'multicast',
  4: 'labeled-unicast',
  5: 'mvpn',
  65: 'vpls',
  70: 'evpn',
  71: 'bgp-ls',
  72: 'bgp-ls-vpn',
  73: 'sr-te-policy',
  85: 'mup',
  128: 'mpls-vpn',
  129: 'mcast-vpn',
  132: 'rtc',
  133: 'flowspec',
  134: 'flowspec-vpn',
};

export function afiName(afi: number): Afi {
  if (afi === AFI_IPV4) return 'ipv4';
  if (afi === AFI_IPV6) return 'ipv6';
  if (afi === AFI_L2VPN) return 'l2vpn';
  return 'unknown';
}

export function safiName(safi: number): Safi {
  return SAFI_NAMES[safi] ?? `safi-${safi}`;
}

/** "ipv4 unicast", "l2vpn evpn", "afi-16388 bgp-ls": the key used for capabilities and counters. */
export function familyName(afi: number, safi: number): string {
  const a = afiName(afi);
  return `${a === 'unknown' ? `afi-${afi}` : a} ${safiName(safi)}`;
}

/** True for the families whose NLRI we decode into prefixes. */
export function isUnicastIp(afi: number, safi: number): boolean {
  return safi === SAFI_UNICAST && (afi === AFI_IPV4 || afi === AFI_IPV6);
}
