import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS } from './browser.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Builds web/dist once before the browser tests, as `npm run build:web` does; old screenshots go (each run keeps its own). */
export default function setup(): void {
  rmSync(SHOTS, { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts')], { cwd: ROOT, stdio: 'inherit' });
}
