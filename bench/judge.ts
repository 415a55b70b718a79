/**
 * Benchmark: change detection + judge per observation with 10,000 targets'
 * baselines in memory. Prints p50/p99 in µs. Run: npx tsx bench/judge.ts
 *
 * Each target gets a warmed baseline of 20 runs (short lab path, 3 probes per
 * hop); then two timed rounds of one new run per target: round 1 all on the
 * known path, round 2 with 10% of targets on the long path (pending changes)
 * and 10% degraded. Observations share hop arrays with a template (only ids
 * and times differ) to keep memory small; the code under test does not care.
 */
import { emptyChangeState, observe, type ChangeState } from '../src/correlate/change.js';
import { judge } from '../src/correlate/judge.js';
import { DEFAULT_POLICY } from '../src/correlate/policy.js';
import { percentile } from '../src/correlate/stats.js';
import type { PathObservation } from '../src/probe/types.js';
import { DEGRADED, LONG, MIN, SHORT, T0, observation } from '../test/correlate/builders.js';

const TARGETS = 10_000;
const WARM = DEFAULT_POLICY.baselineMaxObservations;

const templates = { short: observation(SHORT), long: observation(LONG), degraded: observation(DEGRADED) };

function run(kind: keyof typeof templates, target: number, minute: number): PathObservation {
  return { ...templates[kind], targetId: `t${target}`, id: `t${target}-${minute}`, startedAt: new Date(T0 + minute * MIN).toISOString() };
}

function report(name: string, samples: number[]): void {
  console.log(
    `${name.padEnd(28)} n=${samples.length}  p50=${percentile(samples, 50).toFixed(1)} µs  p99=${percentile(samples, 99).toFixed(1)} µs  max=${percentile(samples, 100).toFixed(1)} µs`,
  );
}

const t0 = process.hrtime.bigint();
const states: ChangeState[] = [];
for (let t = 0; t < TARGETS; t++) {
  let s = emptyChangeState(`t${t}`);
  for (let m = 0; m < WARM; m++) s = observe(s, run('short', t, m), DEFAULT_POLICY).state;
  states.push(s);
}
const warmMs = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`warm-up: ${TARGETS} targets x ${WARM} runs in ${warmMs.toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);

const detect: number[] = [];
const judging: number[] = [];
const both: number[] = [];
for (let round = 0; round < 2; round++) {
  for (let t = 0; t < TARGETS; t++) {
    const kind = round === 1 && t % 10 === 0 ? 'long' : round === 1 && t % 10 === 1 ? 'degraded' : 'short';
    const obs = run(kind, t, WARM + round);
    const state = states[t] as ChangeState;
    const a = process.hrtime.bigint();
    const r = observe(state, obs, DEFAULT_POLICY);
    const b = process.hrtime.bigint();
    const before = r.state.byMethod['traceroute/udp']?.baseline.entries.map((e) => e.obs) ?? [];
    judge(before, [obs], [], DEFAULT_POLICY);
    const c = process.hrtime.bigint();
    states[t] = r.state;
    detect.push(Number(b - a) / 1e3);
    judging.push(Number(c - b) / 1e3);
    both.push(Number(c - a) / 1e3);
  }
}
report('change detection (observe)', detect);
report('judge (20 runs vs 1)', judging);
report('observe + judge', both);
