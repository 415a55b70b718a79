/**
 * Statistics Report (RFC 7854 4.8) with every type of the IANA "BMP Statistics Types" registry
 * known at RFC 8671: 32-bit counters, 64-bit gauges (as decimal strings above 2^53) and the
 * per-AFI/SAFI gauges 9, 10, 16, 17 (AFI 2 octets, SAFI 1 octet, 64-bit gauge). Unknown types
 * are decoded by length (4: counter, 8: gauge, 11: per-AFI/SAFI gauge, else hex).
 */
import type { StatsEvent } from '../types.js';
import type { Reader } from '../reader.js';
import { afiName, safiName } from '../bgp/families.js';
import type { PeerHeader } from './peer-header.js';
import { readTlvs } from './tlv.js';

export type StatEntry = StatsEvent['stats'][number];

export const STAT_NAMES: Record<number, string> = {
  0: 'rejected-prefixes',
  1: 'duplicate-prefix-advertisements',
  2: 'duplicate-withdraws',
  3: 'invalidated-cluster-list-loop',
  4: 'invalidated-as-path-loop',
  5: 'invalidated-originator-id',
  6: 'invalidated-as-confed-loop',
  7: 'adj-rib-in-routes',
  8: 'loc-rib-routes',
  9: 'adj-rib-in-routes-per-afi-safi',
  10: 'loc-rib-routes-per-afi-safi',
  11: 'treat-as-withdraw-updates',
  12: 'treat-as-withdraw-prefixes',
  13: 'duplicate-updates',
  14: 'adj-rib-out-pre-policy-routes',
  15: 'adj-rib-out-post-policy-routes',
  16: 'adj-rib-out-pre-policy-routes-per-afi-safi',
  17: 'adj-rib-out-post-policy-routes-per-afi-safi',
};

export interface StatsMessage {
  kind: 'stats';
  peer: PeerHeader;
  /** Count field of the report (may disagree with stats.length on buggy speakers). */
  count: number;
  stats: StatEntry[];
  unknownTlvs: number;
}

/** A 64-bit gauge as a number, or a decimal string when it does not fit a double exactly. */
export function gaugeValue(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export function decodeStats(r: Reader, peer: PeerHeader): StatsMessage {
  const count = r.u32();
  const stats: StatEntry[] = [];
  let unknownTlvs = 0;
  for (const t of readTlvs(r)) {
    const known = STAT_NAMES[t.type];
    if (known === undefined) unknownTlvs++;
    const name = known ?? `stat-${t.type}`;
    const v = t.value;
    const len = v.remaining;
    if (len === 4) stats.push({ type: t.type, name, value: v.u32() });
    else if (len === 8) stats.push({ type: t.type, name, value: gaugeValue(v.u64()) });
    else if (len === 11) {
      const afi = v.u16();
      const safi = v.u8();
      stats.push({ type: t.type, name, value: gaugeValue(v.u64()), afi: afiName(afi), safi: safiName(safi) });
    } else stats.push({ type: t.type, name, value: `0x${v.bytes(len).toString('hex')}` });
  }
  return { kind: 'stats', peer, count, stats, unknownTlvs };
}
