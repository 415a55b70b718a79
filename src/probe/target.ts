/**
 * The Target model: what to probe, with which tool, how often. One zod schema,
 * shared by the config file and the HTTP API; the type is inferred from it.
 *
 * Security: a target's host ends up as an argv element of a traceroute-like
 * tool (execa, no shell). The schema still refuses anything that is neither an
 * IP literal nor an RFC 1123 hostname, so option injection ("-oProxyCommand=x"),
 * shell metacharacters ("; rm -rf /", "$(reboot)") and oversize names never get
 * that far. The address policy (private / denied ranges) is applied here to IP
 * literals and again after each DNS resolution (see resolve.ts).
 */
import { IPv4, IPv6, IPv4CidrRange, IPv6CidrRange, Validator } from 'ip-num';
import { z } from 'zod';

export const TARGET_TOOLS = ['traceroute', 'mtr', 'tcptraceroute', 'scamper'] as const;
export type TargetTool = (typeof TARGET_TOOLS)[number];

/** Methods each tool supports; the first one is the default. */
export const METHODS_BY_TOOL = {
  traceroute: ['udp', 'icmp', 'tcp'],
  mtr: ['icmp', 'udp', 'tcp'],
  tcptraceroute: ['tcp'],
  scamper: ['icmp-paris', 'udp-paris', 'tcp'],
} as const satisfies Record<TargetTool, readonly string[]>;
export type TargetMethod = (typeof METHODS_BY_TOOL)[TargetTool][number];
const ALL_METHODS = ['udp', 'icmp', 'tcp', 'icmp-paris', 'udp-paris'] as const;
/** Methods that take no port (ICMP echo has none). */
const PORTLESS_METHODS: ReadonlySet<string> = new Set(['icmp', 'icmp-paris']);
/** traceroute -T, mtr --tcp, tcptraceroute and scamper tcp all default to port 80. */
export const DEFAULT_TCP_PORT = 80;

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** RFC 1123 section 2.1 label: letters, digits, hyphen; not starting or ending with a hyphen. */
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const LABEL_KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
const MAX_LABELS = 32;
const MAX_LABEL_VALUE = 256;

/** "Edge Router #1" → "edge-router-1"; what an absent id becomes. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** 4 or 6 for a valid IP literal (no IPv6 zone id), 0 otherwise. */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (Validator.isValidIPv4String(s)[0]) return 4;
  if (!s.includes('%') && s.includes(':') && Validator.isValidIPv6String(s)[0]) return 6;
  return 0;
}

/** Why a host string is not acceptable, or null when it is an IP literal or an RFC 1123 hostname. */
export function hostProblem(host: string): string | null {
  if (host.length === 0) return 'must not be empty';
  if (host.startsWith('-')) return 'must not start with "-"';
  if (/^[0-9.]+$/.test(host)) {
    return ipFamily(host) === 4 ? null : `"${clip(host)}" is not a valid IPv4 address`;
  }
  if (host.includes(':')) {
    if (host.includes('%')) return 'IPv6 zone ids ("%eth0") are not supported';
    return ipFamily(host) === 6 ? null : `"${clip(host)}" is not a valid IPv6 address`;
  }
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 253) return `hostname is ${name.length} characters long, the maximum is 253`;
  for (const label of name.split('.')) {
    if (label.length > 63) return `hostname label "${clip(label)}" is longer than 63 characters`;
    if (!LABEL_RE.test(label)) {
      return `"${clip(host)}" is neither an IP address nor a hostname (RFC 1123: letters, digits, "-" and "." only)`;
    }
  }
  return null;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

// ---------------------------------------------------------------------------
// Address policy

export const addressPolicySchema = z.strictObject({
  /** Allow private, loopback, link-local, multicast and unspecified destinations. */
  allowPrivate: z.boolean().default(false),
  /** CIDR prefixes no target may point into (checked on literals and on every resolution). */
  deny: z
    .array(
      z.string().refine((s) => Validator.isValidIPv4CidrNotation(s)[0] || Validator.isValidIPv6CidrNotation(s)[0], {
        message: 'must be a CIDR prefix such as 192.0.2.0/24 or 2001:db8::/32',
      }),
    )
    .max(1000)
    .default([]),
});
export type AddressPolicy = z.output<typeof addressPolicySchema>;

export type AddressRefusalCode = 'INVALID_ADDRESS' | 'PRIVATE_ADDRESS' | 'DENIED_ADDRESS';
export type AddressCheck = { ok: true; family: 4 | 6 } | { ok: false; code: AddressRefusalCode; message: string };

interface Span {
  first: bigint;
  last: bigint;
  what: string;
}

function span(cidr: string, what: string): Span {
  const range = cidr.includes(':') ? IPv6CidrRange.fromCidr(cidr) : IPv4CidrRange.fromCidr(cidr);
  return { first: range.getFirst().getValue(), last: range.getLast().getValue(), what };
}

/** Special-purpose ranges (RFC 6890 registries) refused unless allowPrivate. */
const SPECIAL_V4: readonly Span[] = [
  span('0.0.0.0/8', 'unspecified ("this network", RFC 1122)'),
  span('10.0.0.0/8', 'private (RFC 1918)'),
  span('100.64.0.0/10', 'shared address space (RFC 6598)'),
  span('127.0.0.0/8', 'loopback'),
  span('169.254.0.0/16', 'link-local (RFC 3927)'),
  span('172.16.0.0/12', 'private (RFC 1918)'),
  span('192.168.0.0/16', 'private (RFC 1918)'),
  span('224.0.0.0/4', 'multicast'),
  span('240.0.0.0/4', 'reserved / broadcast'),
];
const SPECIAL_V6: readonly Span[] = [
  span('::/128', 'unspecified'),
  span('::1/128', 'loopback'),
  span('fc00::/7', 'unique local (RFC 4193)'),
  span('fe80::/10', 'link-local'),
  span('fec0::/10', 'site-local (deprecated, RFC 3879)'),
  span('ff00::/8', 'multicast'),
];
const V4_MAPPED = span('::ffff:0:0/96', 'IPv4-mapped');

/** Deny lists compiled once per policy object. */
const compiled = new WeakMap<AddressPolicy, { v4: Span[]; v6: Span[] }>();

function denySpans(policy: AddressPolicy): { v4: Span[]; v6: Span[] } {
  let c = compiled.get(policy);
  if (!c) {
    c = { v4: [], v6: [] };
    for (const cidr of policy.deny) {
      const fam = cidr.includes(':') ? c.v6 : c.v4;
      fam.push(span(cidr, `denied range ${cidr}`));
    }
    compiled.set(policy, c);
  }
  return c;
}

function within(v: bigint, spans: readonly Span[]): Span | undefined {
  return spans.find((s) => v >= s.first && v <= s.last);
}

/**
 * Checks one IP literal against the policy. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
 */
export function checkAddressPolicy(ip: string, policy: AddressPolicy): AddressCheck {
  const family = ipFamily(ip);
  if (family === 0) return { ok: false, code: 'INVALID_ADDRESS', message: `"${clip(ip)}" is not an IP address` };
  let v4: bigint | null = family === 4 ? IPv4.fromString(ip).getValue() : null;
  const v6 = family === 6 ? IPv6.fromString(ip).getValue() : null;
  if (v6 !== null && within(v6, [V4_MAPPED])) v4 = v6 & 0xffffffffn;
  const deny = denySpans(policy);
  const denied = (v4 !== null && within(v4, deny.v4)) || (v6 !== null && within(v6, deny.v6));
  if (denied) return { ok: false, code: 'DENIED_ADDRESS', message: `${ip} is inside ${denied.what}` };
  if (!policy.allowPrivate) {
    const special = v4 !== null ? within(v4, SPECIAL_V4) : v6 !== null ? within(v6, SPECIAL_V6) : undefined;
    if (special) {
      return { ok: false, code: 'PRIVATE_ADDRESS', message: `${ip} is a ${special.what} address and private targets are not allowed` };
    }
  }
  return { ok: true, family };
}

// ---------------------------------------------------------------------------
// The schema

const labelsSchema = z
  .record(
    z.string().regex(LABEL_KEY_RE, 'label keys: letters, digits, ".", "_", "/" and "-", at most 63 characters'),
    z.string().max(MAX_LABEL_VALUE, `label values are at most ${MAX_LABEL_VALUE} characters`),
  )
  .refine((r) => Object.keys(r).length <= MAX_LABELS, { message: `at most ${MAX_LABELS} labels` });

const targetObject = z.strictObject({
  id: z.string().regex(SLUG_RE, 'a slug: lower-case letters, digits and "-", at most 63 characters').optional(),
  name: z.string().regex(NAME_RE, 'letters, digits, ".", "_" and "-" only (no spaces), at most 63 characters'),
  host: z.string().superRefine((h, ctx) => {
    const problem = hostProblem(h);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  tool: z.enum(TARGET_TOOLS),
  method: z.enum(ALL_METHODS).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  intervalSec: z.number().int().min(10).max(86_400).default(60),
  timeoutSec: z.number().positive().max(600).default(30),
  probesPerHop: z.number().int().min(1).max(10).default(3),
  maxHops: z.number().int().min(1).max(64).default(30),
  firstTtl: z.number().int().min(1).max(64).default(1),
  ipVersion: z.union([z.literal(4), z.literal(6), z.literal('auto')]).default('auto'),
  labels: labelsSchema.default({}),
  enabled: z.boolean().default(true),
  /** Who created it; the API should force 'api' rather than trust the client. */
  source: z.enum(['config', 'api', 'auto']).default('config'),
});
type TargetObject = z.output<typeof targetObject>;

function intIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** Checks that need several fields; runs even when other fields failed so every problem is reported at once. */
function crossFieldProblems(t: Partial<TargetObject>, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
  const tool = TARGET_TOOLS.find((x) => x === t.tool);
  if (tool && t.method !== undefined && !(METHODS_BY_TOOL[tool] as readonly string[]).includes(t.method)) {
    issue('method', `${tool} supports ${METHODS_BY_TOOL[tool].join(', ')}, not ${t.method}`);
  }
  const method = t.method ?? (tool ? METHODS_BY_TOOL[tool][0] : undefined);
  if (t.port !== undefined && method !== undefined && PORTLESS_METHODS.has(method)) {
    issue('port', `the ${method} method takes no port`);
  }
  // Compared only when each side is valid on its own, so one bad field yields one problem.
  if (typeof t.firstTtl === 'number' && intIn(t.maxHops, 1, 64) && t.firstTtl > t.maxHops) {
    issue('firstTtl', `firstTtl (${t.firstTtl}) must not exceed maxHops (${t.maxHops})`);
  }
  if (typeof t.timeoutSec === 'number' && intIn(t.intervalSec, 10, 86_400) && t.timeoutSec > t.intervalSec) {
    issue('timeoutSec', `timeoutSec (${t.timeoutSec}) must not exceed intervalSec (${t.intervalSec})`);
  }
  if (typeof t.host === 'string' && (t.ipVersion === 4 || t.ipVersion === 6)) {
    const fam = ipFamily(t.host);
    if (fam !== 0 && fam !== t.ipVersion) issue('ipVersion', `${t.host} is an IPv${fam} address, not IPv${t.ipVersion}`);
  }
  if (t.id === undefined && typeof t.name === 'string' && NAME_RE.test(t.name) && slugify(t.name) === '') {
    issue('id', `no id given and none can be derived from the name "${t.name}"`);
  }
}

export const targetSchema = targetObject
  .superRefine(crossFieldProblems, { when: (p) => typeof p.value === 'object' && p.value !== null })
  .transform((t) => {
    const method: TargetMethod = t.method ?? METHODS_BY_TOOL[t.tool][0];
    const port = t.port ?? (method === 'tcp' ? DEFAULT_TCP_PORT : undefined);
    return { ...t, id: t.id ?? slugify(t.name), method, ...(port !== undefined ? { port } : {}) };
  });

export type Target = z.output<typeof targetSchema>;
export type TargetInput = z.input<typeof targetSchema>;

/** zod reports a bad record key as "Invalid key in record" with the key schema's own issues nested. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues.map((i) => i.message).join('; ');
  return issue.message;
}

export interface ValidationProblem {
  /** Dotted path of the offending field, e.g. "host" or "labels.env". */
  path: string;
  message: string;
}
export type TargetValidation = { ok: true; target: Target } | { ok: false; problems: ValidationProblem[] };

/**
 * Validates untrusted input (config entry or API body): schema, cross-field
 * rules and, for an IP literal host, the address policy. Reports every problem.
 */
export function validateTargetInput(input: unknown, policy: AddressPolicy): TargetValidation {
  const parsed = targetSchema.safeParse(input);
  const problems: ValidationProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: issueMessage(i) }));
  const host = (input as { host?: unknown } | null)?.host;
  const hostIsValidLiteral = typeof host === 'string' && ipFamily(host) !== 0 && hostProblem(host) === null;
  if (hostIsValidLiteral) {
    const check = checkAddressPolicy(host, policy);
    if (!check.ok) problems.push({ path: 'host', message: check.message });
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, target: parsed.data };
}
