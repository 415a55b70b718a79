import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { isAlive as alive, waitFor } from './processes.js';

const HELPER = new URL('./processes.ts', import.meta.url).pathname;


describe('Proc watchdog', () => {
  it('kills a real child process when the test process that started it is SIGKILLed', async () => {
    // A stand-in for a vitest worker: starts `sleep` through Proc, prints its pid, then idles.
    const script = `const { Proc } = await import(${JSON.stringify(HELPER)});
const p = new Proc('sleep', ['60']);
console.log(p.child.pid);
setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => createInterface({ input: worker.stdout! }).once('line', (l) => resolve(Number(l))));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(true);
    worker.kill('SIGKILL');
    // The zombie is reaped by init; /proc shows it gone or defunct ("Z").
    await waitFor('the orphaned sleep to die', () => {
      if (!alive(pid)) return true;
      try {
        return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return true;
      }
    }, 5_000);
  });
});
