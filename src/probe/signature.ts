/**
 * Path signature (see PathObservation.signature): the responding addresses of
 * each TTL, sorted and de-duplicated, joined with ","; "*" for a TTL without
 * any reply; TTLs joined with "|". Timing is ignored so two runs over the same
 * routers give the same string.
 *
 * Trailing repeats of the final hop are collapsed: several tools (mtr, and
 * traceroute past a destination that answers for higher TTLs) report the
 * destination at two consecutive TTLs; that is one hop, not a path change.
 */
import type { Hop } from './types.js';

export function hopKey(hop: Pick<Hop, 'probes'>): string {
  const ips = new Set<string>();
  for (const p of hop.probes) if (p.ip !== null) ips.add(p.ip);
  if (ips.size === 0) return '*';
  return [...ips].sort().join(',');
}

export function pathSignature(hops: readonly Pick<Hop, 'probes'>[]): string {
  const keys = hops.map(hopKey);
  while (keys.length >= 2 && keys[keys.length - 1] !== '*' && keys[keys.length - 1] === keys[keys.length - 2]) {
    keys.pop();
  }
  return keys.join('|');
}
