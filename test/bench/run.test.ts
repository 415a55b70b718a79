import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARGS, benchArgs, benchNames } from '../../bench/run.js';

const benchDir = join(import.meta.dirname, '../../bench');

describe('bench/run.ts', () => {
  it('runs every bench/*.ts except itself, and nothing from bench/lib', () => {
    const files = readdirSync(benchDir).filter((f) => f.endsWith('.ts') && f !== 'run.ts');
    expect(benchNames(benchDir)).toEqual(files.map((f) => f.slice(0, -3)).sort());
    expect(benchNames(benchDir)).not.toContain('run');
    expect(benchNames(benchDir)).toEqual(expect.arrayContaining(['ingest-e2e', 'storage-insert']));
  });

  it('names only benches that exist in its argument table', () => {
    const names = benchNames(benchDir);
    for (const name of Object.keys(ARGS)) expect(names).toContain(name);
  });

  it('maps a scale to each bench\'s own arguments, and gives unknown benches the scale', () => {
    expect(benchArgs('ingest-e2e', 0.01)).toEqual(['0.01']);
    expect(benchArgs('rib-memory', 0.01)).toEqual(['10000', '2000']);
    expect(benchArgs('rib-memory', 0.0001)).toEqual(['1000', '200']);
    expect(benchArgs('judge', 0.01)).toEqual([]);
    expect(benchArgs('exabgp-e2e', 1)).toEqual(['300000']);
    expect(benchArgs('exabgp-e2e', 0.001)).toEqual(['1000']);
    expect(benchArgs('some-new-bench', 0.5)).toEqual(['0.5']);
  });
});
