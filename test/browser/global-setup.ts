import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Builds web/dist once before the browser tests, as `npm run build:web` does. Screenshots are overwritten by name, never cleared (runs may overlap on a shared box). */
export default function setup(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts')], { cwd: ROOT, stdio: 'inherit' });
}
