import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveTarget, type LookupAddress, type LookupFn } from '../../src/probe/resolve.js';
import type { AddressPolicy } from '../../src/probe/target.js';

const strict: AddressPolicy = { allowPrivate: false, deny: ['198.51.100.0/24'] };

/** A fake resolver with a fixed zone; records the queries it got. */
function fakeLookup(zone: Record<string, LookupAddress[]>): LookupFn & { calls: Array<[string, number]> } {
  const calls: Array<[string, number]> = [];
  const fn = async (host: string, o: { family: 0 | 4 | 6 }): Promise<LookupAddress[]> => {
    calls.push([host, o.family]);
    const answers = zone[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answers.filter((a) => o.family === 0 || a.family === o.family);
  };
  return Object.assign(fn, { calls });
}

const zone = {
  'good.example': [
    { address: '192.0.2.1', family: 4 },
    { address: '2001:db8::1', family: 6 },
  ],
  'internal.example': [{ address: '10.0.0.5', family: 4 }],
  'denied.example': [{ address: '198.51.100.9', family: 4 }],
  'mixed.example': [
    { address: '10.0.0.5', family: 4 },
    { address: '192.0.2.7', family: 4 },
  ],
  'v4only.example': [{ address: '192.0.2.2', family: 4 }],
};

afterEach(() => vi.useRealTimers());

describe('resolveTarget', () => {
  it('uses an IP literal as is, without DNS', async () => {
    const lookup = fakeLookup(zone);
    expect(await resolveTarget({ host: '2001:db8::5', ipVersion: 'auto' }, strict, { lookup })).toEqual({ ok: true, address: '2001:db8::5', family: 6 });
    expect(lookup.calls).toEqual([]);
  });

  it('refuses a forbidden IP literal', async () => {
    expect(await resolveTarget({ host: '127.0.0.1', ipVersion: 'auto' }, strict)).toMatchObject({ ok: false, code: 'PRIVATE_ADDRESS' });
  });

  it('resolves a hostname with the family its ipVersion asks for', async () => {
    const lookup = fakeLookup(zone);
    expect(await resolveTarget({ host: 'good.example', ipVersion: 6 }, strict, { lookup })).toEqual({
      ok: true,
      address: '2001:db8::1',
      family: 6,
      hostname: 'good.example',
    });
    expect(await resolveTarget({ host: 'good.example', ipVersion: 'auto' }, strict, { lookup })).toMatchObject({ address: '192.0.2.1', family: 4 });
    expect(lookup.calls).toEqual([
      ['good.example', 6],
      ['good.example', 0],
    ]);
  });

  it('refuses a hostname resolving to a private address', async () => {
    const r = await resolveTarget({ host: 'internal.example', ipVersion: 'auto' }, strict, { lookup: fakeLookup(zone) });
    expect(r).toMatchObject({ ok: false, code: 'PRIVATE_ADDRESS' });
    expect(!r.ok && r.message).toMatch(/internal\.example resolves to a refused address: 10\.0\.0\.5/);
  });

  it('refuses a hostname resolving to a denied address', async () => {
    const r = await resolveTarget({ host: 'denied.example', ipVersion: 4 }, { ...strict, allowPrivate: true }, { lookup: fakeLookup(zone) });
    expect(r).toMatchObject({ ok: false, code: 'DENIED_ADDRESS' });
  });

  it('uses the first allowed answer when some answers are refused', async () => {
    expect(await resolveTarget({ host: 'mixed.example', ipVersion: 'auto' }, strict, { lookup: fakeLookup(zone) })).toMatchObject({
      ok: true,
      address: '192.0.2.7',
    });
  });

  it('turns resolver errors into UNRESOLVABLE', async () => {
    const r = await resolveTarget({ host: 'nx.example', ipVersion: 'auto' }, strict, { lookup: fakeLookup(zone) });
    expect(r).toMatchObject({ ok: false, code: 'UNRESOLVABLE' });
    expect(!r.ok && r.message).toMatch(/ENOTFOUND/);
  });

  it('tells a resolver that cannot answer now (EAI_AGAIN, SERVFAIL) from a name with no address (ENOTFOUND)', async () => {
    const failing = (code: string): LookupFn => async (host) => {
      throw Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code });
    };
    for (const code of ['EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT']) {
      expect(await resolveTarget({ host: 'x.example', ipVersion: 'auto' }, strict, { lookup: failing(code) })).toMatchObject({ ok: false, code: 'UNRESOLVABLE', temporary: true });
    }
    for (const code of ['ENOTFOUND', 'ENODATA']) {
      const r = await resolveTarget({ host: 'x.example', ipVersion: 'auto' }, strict, { lookup: failing(code) });
      expect(r).toMatchObject({ ok: false, code: 'UNRESOLVABLE' });
      expect(r).not.toHaveProperty('temporary');
    }
  });

  it('reports a missing family as UNRESOLVABLE', async () => {
    const r = await resolveTarget({ host: 'v4only.example', ipVersion: 6 }, strict, { lookup: fakeLookup(zone) });
    expect(r).toEqual({ ok: false, code: 'UNRESOLVABLE', message: 'v4only.example has no IPv6 address' });
  });

  it('ignores answers that are not addresses of a known family', async () => {
    const lookup: LookupFn = async () => [{ address: 'garbage', family: 0 }];
    expect(await resolveTarget({ host: 'x.example', ipVersion: 'auto' }, strict, { lookup })).toMatchObject({ ok: false, code: 'UNRESOLVABLE' });
  });

  it('gives up on a resolver that never answers (fake timers)', async () => {
    vi.useFakeTimers();
    const lookup: LookupFn = () => new Promise(() => {});
    const p = resolveTarget({ host: 'slow.example', ipVersion: 'auto' }, strict, { lookup, timeoutMs: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await p).toEqual({ ok: false, code: 'UNRESOLVABLE', message: 'cannot resolve slow.example: no answer within 2000 ms', temporary: true });
  });

  it('stops waiting when the signal aborts', async () => {
    const ac = new AbortController();
    const lookup: LookupFn = () => new Promise(() => {});
    const p = resolveTarget({ host: 'slow.example', ipVersion: 'auto' }, strict, { lookup, signal: ac.signal });
    ac.abort();
    expect(await p).toMatchObject({ ok: false, code: 'UNRESOLVABLE', message: expect.stringMatching(/aborted/) });
  });
});
