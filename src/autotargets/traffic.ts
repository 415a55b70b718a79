/**
 * The latest top-talker snapshot of each traffic source (bus event flow.talkers), and their
 * mapping to RIB prefixes: bytes per covering prefix, with the busiest talker addresses of
 * each as responsive-address hints. Bounded: sources and talkers per snapshot are capped.
 * Pure: the caller gives the time and the prefix lookup.
 */
import type { FlowTalkers } from '../core/events.js';
import { ipFamily } from '../probe/target.js';

export interface PrefixTraffic {
  bytes: number;
  /** Talker addresses inside the prefix, busiest first (at most addressesPerPrefix). */
  addresses: string[];
}

interface Snapshot {
  receivedMs: number;
  talkers: Array<{ address: string; bytes: number }>;
}

export interface TalkerBookLimits {
  maxSources: number;
  maxTalkersPerSource: number;
  addressesPerPrefix: number;
}

export const DEFAULT_TALKER_LIMITS: TalkerBookLimits = { maxSources: 64, maxTalkersPerSource: 10_000, addressesPerPrefix: 4 };

export class TalkerBook {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly limits: TalkerBookLimits = DEFAULT_TALKER_LIMITS) {}

  /** Replaces the source's snapshot; returns how many talkers were refused (bad address or volume). */
  put(snap: FlowTalkers, nowMs: number): number {
    let refused = 0;
    const talkers: Snapshot['talkers'] = [];
    for (const t of Array.isArray(snap.talkers) ? snap.talkers : []) {
      const ok = typeof t?.address === 'string' && ipFamily(t.address) !== 0 && typeof t.bytes === 'number' && Number.isFinite(t.bytes) && t.bytes >= 0;
      if (!ok) refused++;
      else talkers.push({ address: t.address, bytes: t.bytes });
    }
    talkers.sort((a, b) => b.bytes - a.bytes);
    if (talkers.length > this.limits.maxTalkersPerSource) refused += talkers.splice(this.limits.maxTalkersPerSource).length;
    this.snapshots.delete(snap.source);
    this.snapshots.set(snap.source, { receivedMs: nowMs, talkers });
    while (this.snapshots.size > this.limits.maxSources) this.snapshots.delete(this.snapshots.keys().next().value as string);
    return refused;
  }

  get sources(): number {
    return this.snapshots.size;
  }

  /** Bytes per covering prefix over the snapshots younger than maxAgeMs; talkers no prefix covers are left out. */
  byPrefix(coveringPrefix: (address: string) => string | null, nowMs: number, maxAgeMs: number): Map<string, PrefixTraffic> {
    const out = new Map<string, PrefixTraffic>();
    for (const [source, snap] of this.snapshots) {
      if (nowMs - snap.receivedMs > maxAgeMs) {
        this.snapshots.delete(source);
        continue;
      }
      for (const t of snap.talkers) {
        const prefix = coveringPrefix(t.address);
        if (prefix === null) continue;
        const entry = out.get(prefix) ?? { bytes: 0, addresses: [] };
        entry.bytes += t.bytes;
        // Talkers arrive busiest first within a snapshot, so the first few are the best hints.
        if (entry.addresses.length < this.limits.addressesPerPrefix && !entry.addresses.includes(t.address)) entry.addresses.push(t.address);
        out.set(prefix, entry);
      }
    }
    return out;
  }
}
