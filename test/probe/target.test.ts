import { describe, expect, it } from 'vitest';
import {
  addressPolicySchema,
  checkAddressPolicy,
  slugify,
  validateTargetInput,
  type AddressPolicy,
  type TargetValidation,
} from '../../src/probe/target.js';

const open: AddressPolicy = { allowPrivate: true, deny: [] };
const strict: AddressPolicy = { allowPrivate: false, deny: ['203.0.113.0/24', '2001:db8:bad::/48'] };
const base = { name: 'web-1', host: '192.0.2.10', tool: 'traceroute' };

function problemsOf(r: TargetValidation): Array<{ path: string; message: string }> {
  return r.ok ? [] : r.problems;
}

describe('validateTargetInput: refused inputs name the field', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['shell command as host', { host: '; rm -rf /' }, 'host', /neither an IP address nor a hostname/],
    ['option injection as host', { host: '-oProxyCommand=x' }, 'host', /must not start with "-"/],
    ['command substitution as host', { host: '$(reboot)' }, 'host', /neither an IP address nor a hostname/],
    ['backticks as host', { host: '`id`' }, 'host', /neither/],
    ['space in host', { host: 'a b.example' }, 'host', /neither/],
    ['hostname label with leading hyphen', { host: 'ok.-bad.example' }, 'host', /neither/],
    ['hostname over 253 chars', { host: `${'a'.repeat(60)}.`.repeat(5) + 'com' }, 'host', /maximum is 253/],
    ['label over 63 chars', { host: `${'a'.repeat(64)}.example` }, 'host', /longer than 63/],
    ['IPv4-looking invalid address', { host: '300.1.1.1' }, 'host', /not a valid IPv4 address/],
    ['three-part dotted number', { host: '1.2.3' }, 'host', /not a valid IPv4 address/],
    ['inet_aton integer form of 127.0.0.1', { host: '2130706433' }, 'host', /not a valid IPv4 address/],
    ['leading-zero (octal-looking) octets', { host: '010.0.0.1' }, 'host', /not a valid IPv4 address/],
    ['invalid IPv6', { host: '2001:db8::zz' }, 'host', /not a valid IPv6 address/],
    ['IPv6 zone id', { host: 'fe80::1%eth0' }, 'host', /zone ids/],
    ['empty host', { host: '' }, 'host', /must not be empty/],
    ['name with spaces', { name: 'my target' }, 'name', /no spaces/],
    ['name with shell metacharacters', { name: 'x;reboot' }, 'name', /letters, digits/],
    ['name starting with "-"', { name: '-x' }, 'name', /letters, digits/],
    ['bad id', { id: 'Has Caps' }, 'id', /slug/],
    ['unknown tool', { tool: 'nmap' }, 'tool', /expected one of/],
    ['method not supported by the tool', { tool: 'tcptraceroute', method: 'icmp' }, 'method', /tcptraceroute supports tcp, not icmp/],
    ['paris method on traceroute', { tool: 'traceroute', method: 'udp-paris' }, 'method', /traceroute supports udp, icmp, tcp/],
    ['port with icmp', { tool: 'mtr', method: 'icmp', port: 443 }, 'port', /takes no port/],
    ['port out of range', { tool: 'mtr', method: 'tcp', port: 70000 }, 'port', /65535/],
    ['interval below 10 s', { intervalSec: 5 }, 'intervalSec', />=10/],
    ['probesPerHop above 10', { probesPerHop: 11 }, 'probesPerHop', /<=10/],
    ['maxHops above 64', { maxHops: 65 }, 'maxHops', /<=64/],
    ['maxHops zero', { maxHops: 0 }, 'maxHops', />=1/],
    ['firstTtl beyond maxHops', { firstTtl: 20, maxHops: 10 }, 'firstTtl', /must not exceed maxHops/],
    ['timeout longer than interval', { intervalSec: 10, timeoutSec: 20 }, 'timeoutSec', /must not exceed intervalSec/],
    ['ipVersion mismatch', { host: '192.0.2.1', ipVersion: 6 }, 'ipVersion', /IPv4 address, not IPv6/],
    ['bad ipVersion', { ipVersion: 5 }, 'ipVersion', /.+/],
    ['bad label key', { labels: { 'a b': 'x' } }, 'labels.a b', /label keys/],
    ['too many labels', { labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }, 'labels', /at most 32/],
    ['overlong label value', { labels: { k: 'v'.repeat(257) } }, 'labels.k', /256/],
    ['unknown key (typo)', { intervalSecs: 60 }, '(root)', /intervalSecs/],
    ['bad source', { source: 'evil' }, 'source', /expected one of/],
  ];
  it.each(cases)('%s', (_label, patch, path, message) => {
    const r = validateTargetInput({ ...base, ...patch }, open);
    expect(r.ok).toBe(false);
    const p = problemsOf(r).find((x) => x.path === path);
    expect(p, JSON.stringify(problemsOf(r))).toBeDefined();
    expect(p!.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const r = validateTargetInput(
      { name: 'a b', host: '$(reboot)', tool: 'mtr', method: 'icmp-paris', maxHops: 3, firstTtl: 9, intervalSec: 1 },
      open,
    );
    expect(problemsOf(r).map((p) => p.path).sort()).toEqual(['firstTtl', 'host', 'intervalSec', 'method', 'name']);
  });

  it('refuses non-objects', () => {
    for (const input of [null, 'x', 42, []]) expect(validateTargetInput(input, open).ok).toBe(false);
  });
});

describe('validateTargetInput: accepted inputs and defaults', () => {
  it.each([
    ['IPv4', '192.0.2.10'],
    ['IPv6', '2001:db8::1'],
    ['IPv6 full form', '2001:0db8:0000:0000:0000:0000:0000:0001'],
    ['hostname', 'example.com'],
    ['hostname with trailing dot', 'www.example.com.'],
    ['single-label hostname with digits and hyphen', 'core-rtr-01'],
    ['hostname of exactly 253 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
  ])('%s', (_label, host) => {
    const r = validateTargetInput({ ...base, host }, strict);
    expect(problemsOf(r)).toEqual([]);
    expect(r.ok && r.target.host).toBe(host);
  });

  it('fills defaults, derives the id from the name and picks the per-tool default method and tcp port', () => {
    const r = validateTargetInput({ name: 'Edge.Router_1', host: '192.0.2.1', tool: 'tcptraceroute' }, strict);
    expect(r).toEqual({
      ok: true,
      target: {
        id: 'edge-router-1',
        name: 'Edge.Router_1',
        host: '192.0.2.1',
        tool: 'tcptraceroute',
        method: 'tcp',
        port: 80,
        intervalSec: 60,
        timeoutSec: 30,
        probesPerHop: 3,
        maxHops: 30,
        firstTtl: 1,
        ipVersion: 'auto',
        labels: {},
        enabled: true,
        source: 'config',
      },
    });
  });

  it.each([
    ['traceroute', 'udp'],
    ['mtr', 'icmp'],
    ['scamper', 'icmp-paris'],
  ])('default method of %s is %s, without a port', (tool, method) => {
    const r = validateTargetInput({ ...base, tool }, strict);
    expect(r.ok && [r.target.method, r.target.port]).toEqual([method, undefined]);
  });

  it('keeps an explicit id and port', () => {
    const r = validateTargetInput({ ...base, id: 'my-id', tool: 'scamper', method: 'tcp', port: 443 }, strict);
    expect(r.ok && [r.target.id, r.target.port]).toEqual(['my-id', 443]);
  });

  it('slugify', () => {
    expect(slugify('Edge Router #1')).toBe('edge-router-1');
    expect(slugify('--A..b--')).toBe('a-b');
    expect(slugify('x'.repeat(80))).toHaveLength(63);
  });
});

describe('address policy', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
  ])('%s is refused as %s when private targets are not allowed', (ip, what) => {
    const r = checkAddressPolicy(ip, strict);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe('PRIVATE_ADDRESS');
    expect(!r.ok && r.message).toContain(what);
    expect(checkAddressPolicy(ip, open).ok).toBe(true);
  });

  it.each(['203.0.113.7', '2001:db8:bad::1', '::ffff:203.0.113.7'])('%s inside a denied CIDR is refused even with allowPrivate', (ip) => {
    const r = checkAddressPolicy(ip, { ...strict, allowPrivate: true });
    expect(!r.ok && r.code).toBe('DENIED_ADDRESS');
  });

  it.each([
    ['192.0.2.1', 4],
    ['8.8.8.8', 4],
    ['2001:db8::1', 6],
    ['2001:db8:bac::1', 6],
  ])('%s is allowed', (ip, family) => {
    expect(checkAddressPolicy(ip, strict)).toEqual({ ok: true, family });
  });

  it('refuses things that are not addresses', () => {
    expect(checkAddressPolicy('example.com', open)).toMatchObject({ ok: false, code: 'INVALID_ADDRESS' });
  });

  it('a private literal host is refused by validateTargetInput under a strict policy, naming host', () => {
    const r = validateTargetInput({ ...base, host: '10.0.0.1' }, strict);
    expect(problemsOf(r)).toEqual([{ path: 'host', message: expect.stringMatching(/private/) }]);
    expect(validateTargetInput({ ...base, host: '10.0.0.1' }, open).ok).toBe(true);
  });

  it('policy schema validates CIDRs and fills defaults', () => {
    expect(addressPolicySchema.parse({})).toEqual({ allowPrivate: false, deny: [] });
    expect(addressPolicySchema.safeParse({ deny: ['10.0.0.0/33'] }).success).toBe(false);
  });
});
