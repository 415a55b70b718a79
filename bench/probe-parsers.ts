/**
 * Parser throughput on generated outputs (bounded loops; prints figures).
 * npx tsx bench/probe-parsers.ts
 */
import { parseMtrRaw } from '../src/probe/parsers/mtr-raw.js';
import { parseScamperJsonAll } from '../src/probe/parsers/scamper-json.js';
import { parseTraceroute } from '../src/probe/parsers/traceroute.js';

function traceroute(hops: number): string {
  const lines = ['traceroute to 203.0.113.9 (203.0.113.9), 30 hops max, 60 byte packets'];
  for (let t = 1; t <= hops; t++) {
    lines.push(t % 7 === 0 ? `${String(t).padStart(2)}  * * *` : `${String(t).padStart(2)}  r${t}.example.net (198.51.${t}.1)  ${t}.123 ms  ${t}.456 ms r${t}b.example.net (198.51.${t}.2)  ${t}.789 ms`);
  }
  return lines.join('\n');
}

function mtrRaw(hops: number, rounds: number): string {
  const lines: string[] = [];
  let seq = 33000;
  for (let r = 0; r < rounds; r++) {
    for (let p = 0; p < hops; p++) {
      lines.push(`x ${p} ${seq}`);
      if (r === 0) lines.push(`h ${p} 198.51.${p}.1`, `h ${p} 198.51.${p}.1`);
      if ((p + r) % 5 !== 0) lines.push(`p ${p} ${1000 + p * 100 + r} ${seq}`);
      seq++;
    }
  }
  return lines.join('\n');
}

function scamper(traces: number): string {
  const lines: string[] = [];
  for (let i = 0; i < traces; i++) {
    const hops = Array.from({ length: 12 }, (_, t) => ({ addr: `198.51.${t}.${(i % 250) + 1}`, probe_ttl: t + 1, probe_id: 1, rtt: 1 + t, reply_ttl: 60, icmp_type: 11, icmp_code: 0 }));
    lines.push(JSON.stringify({ type: 'trace', method: 'icmp-echo-paris', dst: `203.0.${i % 250}.9`, stop_reason: 'GAPLIMIT', hop_count: 12, attempts: 2, firsthop: 1, hops }));
  }
  return lines.join('\n');
}

function bench(name: string, text: string, iterations: number, fn: (t: string) => unknown): void {
  for (let i = 0; i < 20; i++) fn(text);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(text);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${name.padEnd(36)} ${(iterations / (ms / 1000)).toFixed(0).padStart(8)} parses/s  ${((text.length * iterations) / 1024 / 1024 / (ms / 1000)).toFixed(1).padStart(6)} MiB/s`);
}

bench('traceroute 30 hops, 3 probes, names', traceroute(30), 3000, (t) => parseTraceroute(t));
bench('mtr --raw 30 hops x 10 rounds', mtrRaw(30, 10), 2000, (t) => parseMtrRaw(t, { target: { address: '198.51.29.1' } }));
bench('scamper json 100 traces', scamper(100), 100, (t) => parseScamperJsonAll(t));
