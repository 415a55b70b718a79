/**
 * Responsive-address discovery with the real iputils ping, against a network namespace this
 * test creates: a veth pair, the namespace side holding 10.231.N.1 and 10.231.N.5 of a /24
 * (the host side 10.231.N.254). Other addresses of the /24 do not answer (no one replies to
 * ARP for them). Needs root and iproute2; the namespace is removed afterwards, even on failure.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressFinder } from '../../src/autotargets/discover.js';
import { pingArgs, pingOnce } from '../../src/probe/ping.js';
import { requireTool } from '../helpers/processes.js';

const tag = randomBytes(3).toString('hex');
const NS = `st-at-${tag}`;
const HOST_IF = `stat${tag}a`;
const NS_IF = `stat${tag}b`;
const N = 100 + (parseInt(tag.slice(0, 2), 16) % 100);
const NET = `10.231.${N}`;
const TIMEOUT = 300;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function cleanup(): void {
  // Deleting the namespace deletes its veth end, and with it the host end.
  try {
    ip('netns', 'del', NS);
  } catch {
    /* not created */
  }
  try {
    ip('link', 'del', HOST_IF);
  } catch {
    /* gone with the namespace */
  }
}

const reach = async (address: string) => (await pingOnce(address, { timeoutMs: TIMEOUT })).alive;
const policy = { allowPrivate: true, deny: [] };

describe('responsive addresses with the real ping, in a namespace', () => {
  beforeAll(() => {
    requireTool('ping', 'iputils-ping');
    requireTool('ip', 'iproute2');
    if (process.getuid?.() !== 0) throw new Error('this test creates a network namespace: run it as root');
    try {
      ip('netns', 'add', NS);
      ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
      ip('link', 'set', NS_IF, 'netns', NS);
      ip('addr', 'add', `${NET}.254/24`, 'dev', HOST_IF);
      ip('link', 'set', HOST_IF, 'up');
      ip('-n', NS, 'addr', 'add', `${NET}.1/24`, 'dev', NS_IF);
      ip('-n', NS, 'addr', 'add', `${NET}.5/24`, 'dev', NS_IF);
      ip('-n', NS, 'link', 'set', NS_IF, 'up');
      ip('-n', NS, 'link', 'set', 'lo', 'up');
    } catch (err) {
      cleanup();
      throw err;
    }
  });

  afterAll(cleanup);

  it('pingOnce: alive with an RTT, no reply, bad address, missing tool', async () => {
    const alive = await pingOnce(`${NET}.5`, { timeoutMs: 2000 });
    expect(alive.alive).toBe(true);
    if (alive.alive) expect(alive.rttMs).toBeGreaterThan(0);
    expect(await pingOnce(`${NET}.9`, { timeoutMs: TIMEOUT })).toMatchObject({ alive: false, code: 'NO_REPLY' });
    expect(await pingOnce('-c 9', { timeoutMs: TIMEOUT })).toMatchObject({ alive: false, code: 'BAD_ADDRESS' });
    expect(await pingOnce(`${NET}.5`, { timeoutMs: TIMEOUT, binary: '/nonexistent/ping' })).toMatchObject({ alive: false, code: 'TOOL_MISSING' });
    expect(await pingOnce('::1', { timeoutMs: 2000 })).toMatchObject({ alive: true });
  });

  it('pingArgs: one echo, numeric, family flag, fractional timeout', () => {
    expect(pingArgs('192.0.2.1', 4, 300)).toEqual(['-4', '-n', '-q', '-c', '1', '-W', '0.3', '192.0.2.1']);
    expect(pingArgs('2001:db8::1', 6, 2000)).toEqual(['-6', '-n', '-q', '-c', '1', '-W', '2', '2001:db8::1']);
  });

  it('tries hints first and takes the first that answers', async () => {
    const f = new AddressFinder({ policy, hostOffsets: [1], candidatesPerPrefix: 3, retryAfterMs: 60_000, probe: reach });
    f.beginRound(10);
    expect(await f.find(`${NET}.0/24`, [`${NET}.9`, `${NET}.5`], 0)).toEqual({ ok: true, address: `${NET}.5`, probes: 2 });
    expect(f.stats).toMatchObject({ probesSent: 2, probesAnswered: 1 });
  });

  it('falls back to host offsets (.1) when no hint answers', async () => {
    const f = new AddressFinder({ policy, hostOffsets: [2, 1], candidatesPerPrefix: 3, retryAfterMs: 60_000, probe: reach });
    f.beginRound(10);
    expect(await f.find(`${NET}.0/24`, [`${NET}.9`], 0)).toEqual({ ok: true, address: `${NET}.1`, probes: 3 });
  });

  it('a prefix where nothing answers is remembered until retryAfter', async () => {
    const f = new AddressFinder({ policy, hostOffsets: [1, 2], candidatesPerPrefix: 2, retryAfterMs: 60_000, probe: reach });
    f.beginRound(10);
    expect(await f.find(`${NET}.128/25`, [], 0)).toEqual({ ok: false, why: 'unresponsive', probes: 2 });
    expect(await f.find(`${NET}.128/25`, [], 59_000)).toEqual({ ok: false, why: 'retry-later', probes: 0 });
    expect(await f.find(`${NET}.128/25`, [`${NET}.130`], 61_000)).toMatchObject({ ok: false, why: 'unresponsive' });
    expect(f.stats.quietPrefixes).toBe(1);
  });

  it('the probe budget defers what it cannot afford to the next round', async () => {
    const f = new AddressFinder({ policy, hostOffsets: [9, 1], candidatesPerPrefix: 2, retryAfterMs: 60_000, probe: reach });
    f.beginRound(1);
    expect(await f.find(`${NET}.0/24`, [], 0)).toEqual({ ok: false, why: 'deferred', probes: 1 });
    expect(await f.find(`${NET}.0/24`, [], 0)).toEqual({ ok: false, why: 'deferred', probes: 0 });
    f.beginRound(2);
    expect(await f.find(`${NET}.0/24`, [], 0)).toEqual({ ok: true, address: `${NET}.1`, probes: 2 });
  });

  it('the address policy removes candidates before any probe is sent', async () => {
    let sent = 0;
    const counting = async (a: string) => (sent++, reach(a));
    const strict = new AddressFinder({ policy: { allowPrivate: false, deny: [] }, hostOffsets: [1], candidatesPerPrefix: 3, retryAfterMs: 60_000, probe: counting });
    strict.beginRound(10);
    expect(await strict.find(`${NET}.0/24`, [`${NET}.5`], 0)).toEqual({ ok: false, why: 'no-candidate', probes: 0 });
    const denied = new AddressFinder({ policy: { allowPrivate: true, deny: [`${NET}.4/30`] }, hostOffsets: [1], candidatesPerPrefix: 3, retryAfterMs: 60_000, probe: counting });
    denied.beginRound(10);
    expect(await denied.find(`${NET}.0/24`, [`${NET}.5`], 0)).toEqual({ ok: true, address: `${NET}.1`, probes: 1 });
    expect(sent).toBe(1);
  });

  it('reachability none takes the first allowed candidate unchecked', async () => {
    const f = new AddressFinder({ policy, hostOffsets: [1], candidatesPerPrefix: 3, retryAfterMs: 60_000, probe: null });
    f.beginRound(0);
    expect(await f.find(`${NET}.0/24`, [`${NET}.9`], 0)).toEqual({ ok: true, address: `${NET}.9`, probes: 0 });
  });
});
