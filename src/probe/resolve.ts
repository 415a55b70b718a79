/**
 * Turns a target's host into the IP literal a tool will probe, at every run
 * (DNS answers change; the address policy must hold for what is probed now).
 * Never throws: failures come back typed.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { checkAddressPolicy, ipFamily, type AddressPolicy, type AddressRefusalCode, type Target } from './target.js';

export interface LookupAddress {
  address: string;
  family: number;
}
/** The part of node:dns/promises `lookup` used here (injectable for tests). */
export type LookupFn = (hostname: string, options: { family: 0 | 4 | 6; all: true }) => Promise<LookupAddress[]>;

export type ResolveFailureCode = 'UNRESOLVABLE' | AddressRefusalCode;
export type Resolution =
  | { ok: true; address: string; family: 4 | 6; /** The hostname when the address came from DNS. */ hostname?: string }
  | {
      ok: false;
      code: ResolveFailureCode;
      message: string;
      /** The resolver could not answer now (timeout, SERVFAIL, EAI_AGAIN): the name may well be fine. */
      temporary?: true;
    };

export interface ResolveOptions {
  lookup?: LookupFn;
  signal?: AbortSignal;
  /** Gives up on a slow resolver after this long (default 5 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const defaultLookup: LookupFn = (hostname, options) => dnsLookup(hostname, options);

/**
 * An IP literal is used as is (after the policy check); a hostname is looked up
 * with the family its ipVersion asks for, and the first answer the policy
 * allows is used. If every answer is refused, the first refusal is reported.
 */
export async function resolveTarget(
  target: Pick<Target, 'host' | 'ipVersion'>,
  policy: AddressPolicy,
  opts: ResolveOptions = {},
): Promise<Resolution> {
  const literal = ipFamily(target.host);
  if (literal !== 0) return acceptAddress(target.host, policy);
  const family = target.ipVersion === 'auto' ? 0 : target.ipVersion;
  let answers: LookupAddress[];
  try {
    answers = await withDeadline((opts.lookup ?? defaultLookup)(target.host, { family, all: true }), opts);
  } catch (err) {
    const failure: Resolution = { ok: false, code: 'UNRESOLVABLE', message: `cannot resolve ${target.host}: ${describe(err)}` };
    return isTemporary(err) ? { ...failure, temporary: true } : failure;
  }
  const usable = answers.filter((a) => (family === 0 ? a.family === 4 || a.family === 6 : a.family === family));
  if (usable.length === 0) {
    const which = family === 0 ? 'address' : `IPv${family} address`;
    return { ok: false, code: 'UNRESOLVABLE', message: `${target.host} has no ${which}` };
  }
  let firstRefusal: Resolution | undefined;
  for (const a of usable) {
    const r = acceptAddress(a.address, policy);
    if (r.ok) return { ...r, hostname: target.host };
    firstRefusal ??= { ...r, message: `${target.host} resolves to a refused address: ${r.message}` };
  }
  return firstRefusal!;
}

function acceptAddress(address: string, policy: AddressPolicy): Resolution {
  const check = checkAddressPolicy(address, policy);
  return check.ok ? { ok: true, address, family: check.family } : check;
}

/** node's lookup takes no signal nor timeout: race it against both. */
function withDeadline<T>(p: Promise<T>, opts: ResolveOptions): Promise<T> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(new Error('aborted'));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(new Error('aborted')));
    const timer = setTimeout(() => finish(() => reject(new DeadlineError(`no answer within ${timeoutMs} ms`))), timeoutMs);
    let done = false;
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

/**
 * getaddrinfo's EAI_AGAIN (c-ares: ETIMEOUT, ESERVFAIL, ECONNREFUSED) and our own deadline mean
 * "ask again later"; ENOTFOUND / ENODATA are the DNS's answer that the name has no address.
 */
const TEMPORARY_CODES = new Set(['EAI_AGAIN', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED']);
function isTemporary(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof DeadlineError || (typeof code === 'string' && TEMPORARY_CODES.has(code));
}

class DeadlineError extends Error {}

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
