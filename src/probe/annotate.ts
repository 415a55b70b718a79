import type { PathObservation } from './types.js';

/** What annotation needs of the RIB: the covering prefix and the origin AS of an address. */
export interface OriginLookup {
  covering(address: string): { prefix: string } | null;
  originAsn(address: string): number | null;
}

/**
 * Adds the origin AS and covering prefix of each hop's main address (the most
 * frequent replying address at that TTL) from the live RIB. Pure: returns a
 * new observation; hops with no reply or no covering route get null.
 */
export function annotateHops(obs: PathObservation, rib: OriginLookup): PathObservation {
  return {
    ...obs,
    hops: obs.hops.map((h) => {
      const ip = mainAddress(h.probes.map((p) => p.ip));
      if (!ip) return { ...h, asn: null, prefix: null };
      return { ...h, asn: rib.originAsn(ip), prefix: rib.covering(ip)?.prefix ?? null };
    }),
  };
}

function mainAddress(ips: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestN = 0;
  for (const ip of ips) {
    if (!ip) continue;
    const n = (counts.get(ip) ?? 0) + 1;
    counts.set(ip, n);
    if (n > bestN) {
      best = ip;
      bestN = n;
    }
  }
  return best;
}
