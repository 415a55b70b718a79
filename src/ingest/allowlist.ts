import { isIPv4, isIPv6 } from 'node:net';
import { IPv4CidrRange, IPv6CidrRange } from 'ip-num';

/** "::ffff:192.0.2.1" → "192.0.2.1": dual-stack sockets report IPv4 peers in mapped form. */
export function normalizeRemoteAddress(addr: string | undefined): string {
  if (!addr) return 'unknown';
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m ? m[1]! : addr;
}

/** A set of CIDR prefixes; empty means "anyone". */
export class Allowlist {
  private readonly v4: IPv4CidrRange[] = [];
  private readonly v6: IPv6CidrRange[] = [];

  constructor(cidrs: readonly string[]) {
    for (const c of cidrs) {
      if (c.includes(':')) this.v6.push(IPv6CidrRange.fromCidr(c));
      else this.v4.push(IPv4CidrRange.fromCidr(c));
    }
  }

  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  allows(address: string): boolean {
    if (this.empty) return true;
    if (isIPv4(address)) {
      const host = IPv4CidrRange.fromCidr(`${address}/32`);
      return this.v4.some((r) => r.contains(host));
    }
    if (isIPv6(address)) {
      const host = IPv6CidrRange.fromCidr(`${address}/128`);
      return this.v6.some((r) => r.contains(host));
    }
    return false;
  }
}
