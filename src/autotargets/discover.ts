/**
 * Finding a responsive address inside a prefix: the candidates (configured hints, talker
 * addresses, host offsets; each allowed by the address policy) are checked one by one with
 * the injected reachability probe until one answers. A refresh has a budget of probes; when
 * it runs out the prefix is deferred to the next refresh. A prefix where nothing answered is
 * not tried again before retryAfterMs. The probe itself (ping) lives in src/probe.
 */
import { checkAddressPolicy, type AddressPolicy } from '../probe/target.js';
import { candidateAddresses } from './addresses.js';

/** True when the address answered. Must not throw (a failure is "no"). */
export type ReachabilityProbe = (address: string) => Promise<boolean>;

export type FindResult =
  | { ok: true; address: string; probes: number }
  | { ok: false; why: 'no-candidate' | 'unresponsive' | 'deferred' | 'retry-later'; probes: number };

export interface FinderOptions {
  policy: AddressPolicy;
  hostOffsets: readonly number[];
  candidatesPerPrefix: number;
  retryAfterMs: number;
  /** null = take the first candidate unchecked (reachability.method none). */
  probe: ReachabilityProbe | null;
  /** Unresponsive prefixes remembered at most (oldest forgotten first). */
  maxRemembered?: number;
}

export class AddressFinder {
  private readonly quietUntil = new Map<string, number>();
  private budget = 0;
  private sent = 0;
  private answered = 0;

  constructor(private readonly opts: FinderOptions) {}

  /** Starts a refresh with this many probes to spend. */
  beginRound(maxProbes: number): void {
    this.budget = maxProbes;
  }

  get stats(): { probesSent: number; probesAnswered: number; quietPrefixes: number } {
    return { probesSent: this.sent, probesAnswered: this.answered, quietPrefixes: this.quietUntil.size };
  }

  /** The candidates of a prefix that the address policy allows, in the order they are tried. */
  candidates(prefix: string, hints: readonly string[]): string[] {
    const all = candidateAddresses(prefix, hints, this.opts.hostOffsets, Number.MAX_SAFE_INTEGER);
    return all.filter((a) => checkAddressPolicy(a, this.opts.policy).ok).slice(0, this.opts.candidatesPerPrefix);
  }

  async find(prefix: string, hints: readonly string[], nowMs: number): Promise<FindResult> {
    const until = this.quietUntil.get(prefix);
    if (until !== undefined && until > nowMs) return { ok: false, why: 'retry-later', probes: 0 };
    const list = this.candidates(prefix, hints);
    if (list.length === 0) return { ok: false, why: 'no-candidate', probes: 0 };
    if (this.opts.probe === null) return { ok: true, address: list[0] as string, probes: 0 };
    let probes = 0;
    for (const address of list) {
      if (this.budget <= 0) return { ok: false, why: 'deferred', probes };
      this.budget--;
      this.sent++;
      probes++;
      if (await this.opts.probe(address)) {
        this.answered++;
        this.quietUntil.delete(prefix);
        return { ok: true, address, probes };
      }
    }
    this.remember(prefix, nowMs + this.opts.retryAfterMs);
    return { ok: false, why: 'unresponsive', probes };
  }

  private remember(prefix: string, until: number): void {
    this.quietUntil.delete(prefix);
    this.quietUntil.set(prefix, until);
    const max = this.opts.maxRemembered ?? 100_000;
    while (this.quietUntil.size > max) this.quietUntil.delete(this.quietUntil.keys().next().value as string);
  }
}
