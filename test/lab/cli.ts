/**
 * Poke the lab by hand:
 *   npx tsx test/lab/cli.ts up                  # prints the lab id; later commands use it (or LAB_ID=...)
 *   npx tsx test/lab/cli.ts flip long|short|cut|restore
 *   npx tsx test/lab/cli.ts degrade r1-r2 40 10 | degrade clear | loss r1-r2 20 | ratelimit on [r2]
 *   npx tsx test/lab/cli.ts ecmp on|off | target down|up | unrelated announce|withdraw | restart-daemon | trace | status
 *   npx tsx test/lab/cli.ts api GET /api/peers | api POST /api/targets '{"name":"t","host":"10.99.100.10","tool":"traceroute"}'
 *   npx tsx test/lab/cli.ts down | cleanup-stale [--all]
 * Everything but `api` is handed to lab.sh unchanged.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { LAB_PREFIX, LAB_SCRIPT, Lab } from './lab.js';

const args = process.argv.slice(2);

async function main(): Promise<number> {
  if (args[0] !== 'api') {
    const r = await execa(LAB_SCRIPT, args, { stdio: 'inherit', reject: false });
    return r.exitCode ?? 1;
  }
  const [, method = 'GET', path = '/api/health', body] = args;
  if (!['GET', 'POST', 'PUT', 'DELETE'].includes(method)) throw new Error('api GET|POST|PUT|DELETE PATH [JSON]');
  const id = process.env.LAB_ID ?? readFileSync(`/tmp/${LAB_PREFIX}-last`, 'utf8').trim();
  const lab = Lab.attach(id);
  const r = await lab.api(method as 'GET', path, body === undefined ? undefined : JSON.parse(body));
  process.stdout.write(`HTTP ${r.status}\n${JSON.stringify(r.body, null, 2)}\n`);
  return r.status < 400 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
