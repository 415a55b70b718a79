import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

/** One problem in a configuration: where (dotted key path) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
  /** The environment variable that supplied the value, when one did. */
  env?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`invalid configuration (${source}):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `  - ${p.path || '(root)'}: ${p.message}${p.env ? ` (from ${p.env})` : ''}`;
}

/**
 * Environment overrides for the usual deployment knobs. Numbers are converted
 * here; a value that is not a number is passed on as a string, so the schema
 * reports it against its key path and the variable's name.
 */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: string[]; type: 'string' | 'number' | 'boolean' }> = [
  { env: 'MONGODB_URI', path: ['storage', 'uri'], type: 'string' },
  { env: 'SMOKETRACE_DATA_DIR', path: ['storage', 'dataDir'], type: 'string' },
  { env: 'SMOKETRACE_HTTP_HOST', path: ['http', 'host'], type: 'string' },
  { env: 'SMOKETRACE_HTTP_PORT', path: ['http', 'port'], type: 'number' },
  { env: 'SMOKETRACE_API_TOKEN', path: ['http', 'apiToken'], type: 'string' },
  { env: 'SMOKETRACE_LOG_LEVEL', path: ['log', 'level'], type: 'string' },
  { env: 'SMOKETRACE_VANTAGE', path: ['instance', 'name'], type: 'string' },
  { env: 'SMOKETRACE_WAIT_FOR_DB', path: ['storage', 'waitForDatabase'], type: 'boolean' },
  { env: 'SMOKETRACE_BMP_PORT', path: ['bmp', 'port'], type: 'number' },
  { env: 'SMOKETRACE_EXABGP_PORT', path: ['exabgp', 'tcp', 'port'], type: 'number' },
];

type Env = Record<string, string | undefined>;

function applyEnv(raw: Record<string, unknown>, env: Env): Map<string, string> {
  const fromEnv = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    const v = env[o.env];
    if (v === undefined || v === '') continue;
    let obj = raw;
    for (const k of o.path.slice(0, -1)) {
      const next = obj[k];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[o.path[o.path.length - 1]!] = convert(v, o.type);
    fromEnv.set(o.path.join('.'), o.env);
  }
  return fromEnv;
}

function convert(v: string, type: 'string' | 'number' | 'boolean'): unknown {
  if (type === 'number') return /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  if (type === 'boolean') return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v;
  return v;
}

function issuesToProblems(issues: z.core.$ZodIssue[], fromEnv: Map<string, string>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const i of issues) {
    const base = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ path: base ? `${base}.${k}` : k, message: 'unknown key' });
      continue;
    }
    const env = fromEnv.get(base);
    out.push({ path: base, message: i.message, ...(env ? { env } : {}) });
  }
  return out;
}

/** Validates an already-parsed object (plus env overrides). Throws ConfigError listing every problem. */
export function parseConfig(raw: unknown, source: string, env: Env = process.env): Readonly<Config> {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '', message: 'the configuration must be a mapping of keys' }]);
  }
  const copy = structuredClone(raw) as Record<string, unknown>;
  const fromEnv = applyEnv(copy, env);
  const r = configSchema.safeParse(copy);
  if (!r.success) throw new ConfigError(source, issuesToProblems(r.error.issues, fromEnv));
  return deepFreeze(r.data);
}

/** Reads a YAML file (or nothing: all defaults), applies env overrides, validates, freezes. */
export function loadConfig(file: string | undefined, env: Env = process.env): Readonly<Config> {
  if (!file) return parseConfig({}, 'defaults', env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  return parseConfig(doc.toJS(), file, env);
}

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
