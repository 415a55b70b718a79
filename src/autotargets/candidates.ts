/**
 * The candidate prefixes, kept up to date from the bus and read at each refresh: churn per
 * prefix (a sliding window), prefixes that had a route of a configured origin AS or community
 * (checked again against the RIB at each read), and the latest traffic snapshots mapped to
 * their covering RIB prefixes. Every candidate read is in the RIB. No I/O, no logging.
 */
import type { FlowTalkers, RouteChange } from '../core/events.js';
import type { LookupResult, RibRoute } from '../rib/index.js';
import { ChurnWindow, countsAsChurn } from './churn.js';
import { parseCommunityPattern } from './community.js';
import type { AutoTargetsConfig } from './config.js';
import { interestOf, isInteresting, type InterestRules } from './interest.js';
import type { PrefixCandidate } from './select.js';
import { TalkerBook } from './traffic.js';

/** What automatic targets need of the RIB. */
export interface AutoRib {
  routesFor(prefix: string): RibRoute[];
  lookup(address: string): LookupResult | null;
  forEachPrefix(visit: (prefix: string, routes: RibRoute[]) => void): void;
}

export class CandidatePool {
  private readonly churn: ChurnWindow;
  private readonly talkers = new TalkerBook();
  private readonly rules: InterestRules;
  /** Prefixes that had a route of a configured origin or community. */
  private readonly interesting = new Set<string>();

  constructor(
    private readonly config: AutoTargetsConfig,
    private readonly rib: AutoRib,
  ) {
    this.churn = new ChurnWindow(config.churn.windowMinutes * 60_000, config.churn.maxTrackedPrefixes);
    this.rules = { originAsns: new Set(config.originAsns), communities: config.communities.map(parseCommunityPattern) };
  }

  /** Finds the interesting prefixes already in the RIB (one pass over it; only when origins or communities are configured). */
  seed(): void {
    if (!this.hasRules()) return;
    this.rib.forEachPrefix((prefix, routes) => {
      if (isInteresting(interestOf(routes, this.rules))) this.interesting.add(prefix);
    });
  }

  onRouteChange(c: RouteChange, nowMs: number): void {
    const prefix = c.event.prefix;
    if (this.config.churn.enabled && countsAsChurn(c)) this.churn.record(prefix, nowMs);
    if (c.event.type === 'announce' && this.hasRules() && !this.interesting.has(prefix) && isInteresting(interestOf([{ attributes: c.event }], this.rules))) {
      this.interesting.add(prefix);
    }
  }

  /** Keeps the snapshot; returns how many talkers were refused. */
  onTalkers(t: FlowTalkers, nowMs: number): number {
    return this.talkers.put(t, nowMs);
  }

  /** The candidates now; at most `perReason * 4` of the busiest churn prefixes are looked up in the RIB. */
  collect(nowMs: number, perReason: number): Map<string, PrefixCandidate> {
    const { config, rib } = this;
    const out = new Map<string, PrefixCandidate>();
    const entry = (prefix: string, routes: RibRoute[]): PrefixCandidate => {
      let c = out.get(prefix);
      if (!c) {
        const i = interestOf(routes, this.rules);
        c = { prefix, originAs: i.originAs, matchedOrigin: i.matchedOrigin, communities: i.communities };
        out.set(prefix, c);
      }
      return c;
    };
    for (const prefix of [...this.interesting]) {
      const routes = rib.routesFor(prefix);
      if (routes.length > 0 && isInteresting(interestOf(routes, this.rules))) entry(prefix, routes);
      else this.interesting.delete(prefix);
    }
    if (config.churn.enabled) {
      const counts = [...this.churn.counts(nowMs)].filter(([, n]) => n >= config.churn.minChanges).sort((a, b) => b[1] - a[1]);
      // Only the busiest are looked up in the RIB: enough to fill the list after caps and misses.
      for (const [prefix, n] of counts.slice(0, perReason * 4)) {
        const routes = rib.routesFor(prefix);
        if (routes.length) entry(prefix, routes).churn = n;
      }
    }
    if (config.traffic.enabled) {
      const traffic = this.talkers.byPrefix((a) => rib.lookup(a)?.prefix ?? null, nowMs, config.traffic.maxAgeMinutes * 60_000);
      for (const [prefix, t] of traffic) entry(prefix, rib.routesFor(prefix)).traffic = t;
    }
    return out;
  }

  stats(): { trackedChurnPrefixes: number; forgottenChurnPrefixes: number; interestingPrefixes: number; trafficSources: number } {
    return { trackedChurnPrefixes: this.churn.size, forgottenChurnPrefixes: this.churn.forgottenPrefixes, interestingPrefixes: this.interesting.size, trafficSources: this.talkers.sources };
  }

  private hasRules(): boolean {
    return this.rules.originAsns.size > 0 || this.rules.communities.length > 0;
  }
}
