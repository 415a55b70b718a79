/**
 * BMP decode, two versions of the decoder compared in one process: the BmpSession and
 * BmpFramer of two checkouts decode the same synthetic table (bench/lib/gen-table.ts, one
 * prefix per UPDATE unless PACKED=1) in turn, run after run, and the ratio of their medians is
 * printed with every pair. This VM's speed drifts by up to a factor of two between minutes
 * (see README.md); two processes started one after the other measure the drift, while runs
 * alternated in one process see the same moments of the machine.
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   node --expose-gc --import tsx bench/bmp-decode-ab.ts /tmp/base . [attributeSets=60000] [runs=8] [scale=1]
 *   git worktree remove /tmp/base
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateTable } from './lib/gen-table.js';
import { fmt, median } from './lib/measure.js';

type Decode = (stream: Buffer) => number;

const [dirA, dirB] = [process.argv[2], process.argv[3]];
if (dirA === undefined || dirB === undefined) {
  console.error('usage: bmp-decode-ab.ts DIR_A DIR_B [attributeSets] [runs] [scale]');
  process.exit(2);
}
const sets = Number(process.argv[4] ?? 60_000);
const runs = Number(process.argv[5] ?? 8);
const scale = Number(process.argv[6] ?? 1);
const packed = process.env['PACKED'] === '1';
const table = generateTable({ ipv4: Math.round(1_000_000 * scale), ipv6: Math.round(200_000 * scale), packed, attributeSets: sets });
const ARRIVAL = new Date('2030-01-01T00:00:00Z');
const CHUNK = 64 * 1024;

/** The decoder of checkout `dir`, framing and decoding as bench/bmp-decode.ts does; returns the announces. */
async function decoderOf(dir: string): Promise<Decode> {
  const at = (rel: string) => pathToFileURL(resolve(dir, rel)).href;
  const { BmpSession } = (await import(at('bgp/bmp-normalize.ts'))) as typeof import('../bgp/bmp-normalize.js');
  const { BmpFramer } = (await import(at('bgp/bmp/framer.ts'))) as typeof import('../bgp/bmp/framer.js');
  return (stream) => {
    const framer = new BmpFramer();
    const session = new BmpSession('bench', {});
    const events: { type: string }[] = [];
    let announced = 0;
    for (let off = 0; off < stream.length; off += CHUNK) {
      const n = framer.frame(stream.subarray(off, off + CHUNK));
      for (let i = 0; i < n; i++) {
        const s = framer.frameStarts[i]!;
        session.decodeInto(framer.frameBuffer, s, framer.frameEnds[i]!, framer.frameBase + s, ARRIVAL, events as never);
      }
      for (const e of events) if (e.type === 'announce') announced++;
      events.length = 0;
    }
    return announced;
  };
}

const decoders: [string, Decode, number[]][] = [
  [dirA, await decoderOf(dirA), []],
  [dirB, await decoderOf(dirB), []],
];
for (const [, decode] of decoders) decode(table.stream); // warm-up, not counted
for (let r = 0; r < runs; r++) {
  // A then B, B then A: neither always runs right after the other's garbage.
  for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
    const [, decode, rates] = decoders[k]!;
    const t0 = process.hrtime.bigint();
    const n = decode(table.stream);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (n !== table.routes) throw new Error(`${decoders[k]![0]} decoded ${n} prefixes, expected ${table.routes}`);
    rates.push(Math.round((n / ms) * 1000));
  }
}
console.log(`${packed ? 'packed UPDATEs' : 'one prefix per UPDATE'}: ${fmt(table.routes)} prefixes, ${fmt(table.attributeSets)} attribute sets, ${runs} runs each, alternated`);
for (const [dir, , rates] of decoders) console.log(`  ${dir}: median ${fmt(median(rates))} prefixes/s (runs: ${rates.map(fmt).join(', ')})`);
const [a, b] = [decoders[0]![2], decoders[1]![2]];
console.log(`  B/A: ${(median(b) / median(a)).toFixed(3)} (pairs: ${a.map((x, i) => (b[i]! / x).toFixed(2)).join(' ')})`);
