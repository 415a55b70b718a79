import { resolveTarget } from '../probe/resolve.js';
import { validateTargetInput } from '../probe/target.js';
import { runProbe } from '../probe/tools/index.js';

export interface ProbeCliOptions {
  tool: string;
  method?: string;
  port?: string;
  probes: string;
  maxHops: string;
  timeout: string;
  ipv4?: boolean;
  ipv6?: boolean;
}

/**
 * `smoketrace probe TARGET`: one run now with a real tool, printed as
 * PathObservation JSON. The target goes through the same validation as the
 * API (an operator at a shell may probe private addresses).
 */
export async function probeCommand(host: string, o: ProbeCliOptions): Promise<void> {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  // tracepath (path MTU) is no target tool: its options are checked as traceroute's UDP ones.
  const tracepath = o.tool === 'tracepath';
  if (tracepath && o.method !== undefined && o.method !== 'udp') throw new Error('invalid probe: tracepath sends UDP only (no --method)');
  const v = validateTargetInput(
    {
      name: 'cli',
      host,
      tool: tracepath ? 'traceroute' : o.tool,
      ...(o.method && !tracepath ? { method: o.method } : {}),
      ...(o.port ? { port: num(o.port) } : {}),
      probesPerHop: num(o.probes),
      maxHops: num(o.maxHops),
      timeoutSec: num(o.timeout),
      intervalSec: Math.max(60, Number(o.timeout) || 0),
      ipVersion: o.ipv4 ? 4 : o.ipv6 ? 6 : 'auto',
    },
    { allowPrivate: true, deny: [] },
  );
  if (!v.ok) throw new Error(`invalid probe: ${v.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const t = v.target;
  const r = await resolveTarget(t, { allowPrivate: true, deny: [] });
  if (!r.ok) throw new Error(r.message);
  const obs = await runProbe(
    {
      tool: tracepath ? 'tracepath' : t.tool,
      address: r.address,
      method: t.method,
      probesPerHop: t.probesPerHop,
      maxHops: t.maxHops,
      waitSec: t.timeoutSec < 10 ? 1 : 2,
      firstTtl: t.firstTtl,
      ...(t.port !== undefined ? { port: t.port } : {}),
      ipVersion: r.family,
      targetName: host,
    },
    { timeoutMs: t.timeoutSec * 1000, vantage: 'cli' },
  );
  process.stdout.write(JSON.stringify(obs, null, 2) + '\n');
  if (obs.status === 'failed') {
    process.stderr.write(`smoketrace probe: ${obs.error?.code}: ${obs.error?.message}\n`);
    process.exitCode = 1;
  }
}
