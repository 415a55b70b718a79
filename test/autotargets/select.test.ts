/** The pure parts of automatic targets: ranking, caps, pins, exclusions, labels, and their inputs. */
import { describe, expect, it } from 'vitest';
import { autoTargetsSchema } from '../../src/autotargets/config.js';
import { candidateAddresses, contains, hostAt, prefixSpan } from '../../src/autotargets/addresses.js';
import { ChurnWindow, countsAsChurn } from '../../src/autotargets/churn.js';
import { communityProblem, matchCommunities, parseCommunityPattern } from '../../src/autotargets/community.js';
import { autoTargetId, prefixOfAutoId } from '../../src/autotargets/ids.js';
import { interestOf } from '../../src/autotargets/interest.js';
import { autoLabels, pickTargets, rankCandidates, type PrefixCandidate, type RankedCandidate } from '../../src/autotargets/select.js';
import { TalkerBook } from '../../src/autotargets/traffic.js';
import { autoTargetInput } from '../../src/autotargets/target-input.js';
import { validateTargetInput } from '../../src/probe/target.js';
import { announce, attrs, withdraw } from '../rib/events.js';

const rank = (cs: PrefixCandidate[], over: Partial<Parameters<typeof rankCandidates>[1]> = {}) =>
  rankCandidates(cs, { minChurn: 3, excluded: new Set(), perOriginAsMax: 10, perReason: 100, ...over });
const brief = (rs: readonly RankedCandidate[]) => rs.map((r) => `${r.prefix}:${r.reason}`);

describe('rankCandidates', () => {
  const cases: Array<{ name: string; candidates: PrefixCandidate[]; opts?: Partial<Parameters<typeof rankCandidates>[1]>; want: string[] }> = [
    {
      name: 'churn: most changes first, below minChurn left out, ties by prefix',
      candidates: [
        { prefix: '198.51.100.0/24', originAs: 1, churn: 5 },
        { prefix: '203.0.113.0/24', originAs: 2, churn: 9 },
        { prefix: '192.0.2.0/24', originAs: 3, churn: 2 },
        { prefix: '198.18.0.0/15', originAs: 4, churn: 5 },
      ],
      want: ['203.0.113.0/24:churn', '198.18.0.0/15:churn', '198.51.100.0/24:churn'],
    },
    {
      name: 'traffic: most bytes first',
      candidates: [
        { prefix: '198.51.100.0/24', originAs: 1, traffic: { bytes: 10, addresses: [] } },
        { prefix: '203.0.113.0/24', originAs: 2, traffic: { bytes: 5000, addresses: [] } },
      ],
      want: ['203.0.113.0/24:traffic', '198.51.100.0/24:traffic'],
    },
    {
      name: 'origin-as and community: shortest prefix first',
      candidates: [
        { prefix: '203.0.113.0/24', originAs: 64500, matchedOrigin: 64500 },
        { prefix: '198.18.0.0/15', originAs: 64500, matchedOrigin: 64500 },
        { prefix: '2001:db8::/48', originAs: 64501, communities: ['64501:1:2'] },
        { prefix: '2001:db8::/32', originAs: 64501, communities: ['64501:7'] },
      ],
      want: ['198.18.0.0/15:origin-as', '2001:db8::/32:community', '203.0.113.0/24:origin-as', '2001:db8::/48:community'],
    },
    {
      name: 'round robin: each reason takes its turn (churn, traffic, origin-as, community)',
      candidates: [
        { prefix: '10.0.1.0/24', originAs: 1, churn: 10 },
        { prefix: '10.0.2.0/24', originAs: 2, churn: 8 },
        { prefix: '10.0.3.0/24', originAs: 3, traffic: { bytes: 100, addresses: [] } },
        { prefix: '10.0.4.0/24', originAs: 4, matchedOrigin: 4 },
        { prefix: '10.0.5.0/24', originAs: 5, communities: ['5:5'] },
      ],
      want: ['10.0.1.0/24:churn', '10.0.3.0/24:traffic', '10.0.4.0/24:origin-as', '10.0.5.0/24:community', '10.0.2.0/24:churn'],
    },
    {
      name: 'a prefix with several reasons appears once, under the first turn that reaches it',
      candidates: [
        { prefix: '10.0.1.0/24', originAs: 1, churn: 4, traffic: { bytes: 100, addresses: [] }, matchedOrigin: 1 },
        { prefix: '10.0.2.0/24', originAs: 2, traffic: { bytes: 50, addresses: [] } },
      ],
      want: ['10.0.1.0/24:churn', '10.0.2.0/24:traffic'],
    },
    {
      name: 'excluded prefixes are never ranked',
      candidates: [
        { prefix: '10.0.1.0/24', originAs: 1, churn: 10 },
        { prefix: '10.0.2.0/24', originAs: 2, churn: 5 },
      ],
      opts: { excluded: new Set(['10.0.1.0/24']) },
      want: ['10.0.2.0/24:churn'],
    },
    {
      name: 'per-origin cap applies inside each reason list, so one AS cannot fill it',
      candidates: [
        { prefix: '10.0.1.0/24', originAs: 7, churn: 10 },
        { prefix: '10.0.2.0/24', originAs: 7, churn: 9 },
        { prefix: '10.0.3.0/24', originAs: 7, churn: 8 },
        { prefix: '10.0.4.0/24', originAs: 8, churn: 3 },
      ],
      opts: { perOriginAsMax: 2 },
      want: ['10.0.1.0/24:churn', '10.0.2.0/24:churn', '10.0.4.0/24:churn'],
    },
    {
      name: 'perReason bounds each list',
      candidates: [
        { prefix: '10.0.1.0/24', originAs: 1, churn: 10 },
        { prefix: '10.0.2.0/24', originAs: 2, churn: 9 },
        { prefix: '10.0.3.0/24', originAs: 3, churn: 8 },
      ],
      opts: { perReason: 2 },
      want: ['10.0.1.0/24:churn', '10.0.2.0/24:churn'],
    },
  ];
  it.each(cases)('$name', ({ candidates, opts, want }) => {
    expect(brief(rank(candidates, opts))).toEqual(want);
  });

  it('keeps every reason a prefix qualifies for', () => {
    const [r] = rank([{ prefix: '10.0.1.0/24', originAs: 1, churn: 4, traffic: { bytes: 1, addresses: [] }, communities: ['1:1'] }]);
    expect(r!.reasons).toEqual(['churn', 'traffic', 'community']);
  });
});

describe('pickTargets', () => {
  const ranked = rank([
    { prefix: '10.0.1.0/24', originAs: 1, churn: 10 },
    { prefix: '10.0.2.0/24', originAs: 1, churn: 9 },
    { prefix: '10.0.3.0/24', originAs: 1, churn: 8 },
    { prefix: '10.0.4.0/24', originAs: 2, churn: 7 },
    { prefix: '10.0.5.0/24', originAs: 3, churn: 6 },
  ]);
  const pin = (prefix: string, originAs: number): RankedCandidate => ({ prefix, originAs, reason: 'origin-as', reasons: ['origin-as'] });
  const cases: Array<{ name: string; max: number; cap: number; pinned?: RankedCandidate[]; dead?: string[]; want: string[]; capped: number; unusable: number }> = [
    { name: 'fills up to maxTargets in rank order', max: 2, cap: 10, want: ['10.0.1.0/24', '10.0.2.0/24'], capped: 0, unusable: 0 },
    { name: 'per-origin cap passes over the third prefix of AS1', max: 4, cap: 2, want: ['10.0.1.0/24', '10.0.2.0/24', '10.0.4.0/24', '10.0.5.0/24'], capped: 1, unusable: 0 },
    { name: 'an unusable prefix (no responsive address) lets the next one in', max: 2, cap: 10, dead: ['10.0.1.0/24'], want: ['10.0.2.0/24', '10.0.3.0/24'], capped: 0, unusable: 1 },
    { name: 'pins come first and count toward the limits', max: 3, cap: 2, pinned: [pin('10.9.0.0/16', 1)], want: ['10.9.0.0/16', '10.0.1.0/24', '10.0.4.0/24'], capped: 2, unusable: 0 },
    { name: 'pins are kept even beyond maxTargets', max: 1, cap: 10, pinned: [pin('10.9.0.0/16', 1), pin('10.8.0.0/16', 2)], want: ['10.9.0.0/16', '10.8.0.0/16'], capped: 0, unusable: 0 },
    { name: 'a pinned prefix that also ranks is not taken twice', max: 3, cap: 10, pinned: [pin('10.0.2.0/24', 1)], want: ['10.0.2.0/24', '10.0.1.0/24', '10.0.3.0/24'], capped: 0, unusable: 0 },
    { name: 'maxTargets 0 chooses nothing', max: 0, cap: 10, want: [], capped: 0, unusable: 0 },
  ];
  it.each(cases)('$name', async ({ max, cap, pinned = [], dead = [], want, capped, unusable }) => {
    const asked: string[] = [];
    const r = await pickTargets(ranked, pinned, { maxTargets: max, perOriginAsMax: cap }, async (c) => {
      asked.push(c.prefix);
      return !dead.includes(c.prefix);
    });
    expect(r.chosen.map((c) => c.prefix)).toEqual(want);
    expect(r.chosen.filter((c) => c.pinned).map((c) => c.prefix)).toEqual(pinned.map((p) => p.prefix));
    expect({ capped: r.capped, unusable: r.unusable }).toEqual({ capped, unusable });
    // usable() is asked only for prefixes that fit the limits: the probe budget is not spent on others.
    expect(asked.length).toBe(want.length - pinned.length + unusable);
  });

  it.each(cases)('asking four ahead chooses the same: $name', async ({ max, cap, pinned = [], dead = [], want, capped, unusable }) => {
    let inFlight = 0;
    let most = 0;
    const r = await pickTargets(
      ranked,
      pinned,
      { maxTargets: max, perOriginAsMax: cap },
      async (c) => {
        most = Math.max(most, ++inFlight);
        await new Promise((res) => setTimeout(res, 5 - (Number(c.prefix.split('.')[2]) % 5)));
        inFlight--;
        return !dead.includes(c.prefix);
      },
      new Set(),
      4,
    );
    expect(r.chosen.map((c) => c.prefix)).toEqual(want);
    expect({ capped: r.capped, unusable: r.unusable }).toEqual({ capped, unusable });
    if (want.length - pinned.length >= 2) expect(most).toBeGreaterThan(1);
  });

  it('a candidate asked ahead whose check fails is not an unhandled rejection; one awaited still throws', async () => {
    const boom = (prefix: string) => async (c: RankedCandidate) => {
      if (c.prefix === prefix) throw new Error(`no ping for ${prefix}`);
      return true;
    };
    // 10.0.2.0/24 is asked ahead while the first is checked; once 10.0.1.0/24 is taken, AS 1 is
    // at its cap and the answer is never awaited.
    const r = await pickTargets(ranked, [], { maxTargets: 3, perOriginAsMax: 1 }, boom('10.0.2.0/24'), new Set(), 8);
    expect(r.chosen.map((c) => c.prefix)).toEqual(['10.0.1.0/24', '10.0.4.0/24', '10.0.5.0/24']);
    await new Promise((res) => setTimeout(res, 10));
    await expect(pickTargets(ranked, [], { maxTargets: 3, perOriginAsMax: 10 }, boom('10.0.2.0/24'), new Set(), 8)).rejects.toThrow('no ping for 10.0.2.0/24');
  });

  it('current targets that still rank are kept ahead of better-ranked newcomers; one that no longer ranks goes', async () => {
    const incumbents = new Set(['10.0.4.0/24', '10.0.5.0/24', '10.7.0.0/16']);
    const r = await pickTargets(ranked, [], { maxTargets: 3, perOriginAsMax: 10 }, () => true, incumbents);
    expect(r.chosen.map((c) => c.prefix)).toEqual(['10.0.4.0/24', '10.0.5.0/24', '10.0.1.0/24']);
    const capped = await pickTargets(ranked, [], { maxTargets: 5, perOriginAsMax: 1 }, () => true, new Set(['10.0.3.0/24']));
    expect(capped.chosen.map((c) => c.prefix)).toEqual(['10.0.3.0/24', '10.0.4.0/24', '10.0.5.0/24']);
  });

  it('labels say why a target was chosen', () => {
    expect(autoLabels({ prefix: '203.0.113.0/24', originAs: 64500, reason: 'traffic', reasons: ['churn', 'traffic'] })).toEqual({
      auto: 'traffic',
      reasons: 'churn,traffic',
      prefix: '203.0.113.0/24',
      originAs: '64500',
    });
    expect(autoLabels({ prefix: '2001:db8::/32', originAs: null, reason: 'churn', reasons: ['churn'] }).originAs).toBe('unknown');
  });
});

describe('interestOf: origin ASNs and communities (standard and large)', () => {
  const rules = (asns: number[], comms: string[]) => ({ originAsns: new Set(asns), communities: comms.map(parseCommunityPattern) });
  const cases: Array<{ name: string; routes: Array<Parameters<typeof attrs>[0]>; asns: number[]; comms: string[]; origin: number | null; matched: number | null; communities: string[] }> = [
    { name: 'origin is the last AS', routes: [{ asPath: [65001, 64500] }], asns: [64500], comms: [], origin: 64500, matched: 64500, communities: [] },
    { name: 'an AS_SET origin counts as its first member', routes: [{ asPath: [65001, [64510, 64511]] }], asns: [64510], comms: [], origin: 64510, matched: 64510, communities: [] },
    { name: 'not originated by a configured AS', routes: [{ asPath: [64500, 65001] }], asns: [64500], comms: [], origin: 65001, matched: null, communities: [] },
    { name: 'any peer’s route with a configured origin matches; the majority origin is reported', routes: [{ asPath: [1, 2] }, { asPath: [3, 2] }, { asPath: [4, 64500] }], asns: [64500], comms: [], origin: 2, matched: 64500, communities: [] },
    { name: 'empty path: no origin', routes: [{ asPath: [] }], asns: [64500], comms: [], origin: null, matched: null, communities: [] },
    { name: 'standard community exact', routes: [{ communities: ['65000:100', '65000:200'] }], asns: [], comms: ['65000:200', '65000:300'], origin: 64500, matched: null, communities: ['65000:200'] },
    { name: 'standard community wildcard', routes: [{ communities: ['65000:4242'] }], asns: [], comms: ['65000:*'], origin: 64500, matched: null, communities: ['65000:*'] },
    { name: 'large community', routes: [{ largeCommunities: ['4200000000:1:2'] }], asns: [], comms: ['4200000000:1:2'], origin: 64500, matched: null, communities: ['4200000000:1:2'] },
    { name: 'large wildcard does not match a standard community', routes: [{ communities: ['1:2'], largeCommunities: ['7:1:2'] }], asns: [], comms: ['*:1:*', '1:*'], origin: 64500, matched: null, communities: ['*:1:*', '1:*'] },
    { name: 'standard pattern does not match a large community', routes: [{ largeCommunities: ['1:2:3'] }], asns: [], comms: ['1:2'], origin: 64500, matched: null, communities: [] },
    { name: 'communities from several routes are merged', routes: [{ communities: ['1:1'] }, { communities: ['2:2'] }], asns: [], comms: ['2:2', '1:1'], origin: 64500, matched: null, communities: ['2:2', '1:1'] },
  ];
  it.each(cases)('$name', ({ routes, asns, comms, origin, matched, communities }) => {
    const i = interestOf(routes.map((r) => ({ attributes: attrs(r) })), rules(asns, comms));
    expect(i).toEqual({ originAs: origin, matchedOrigin: matched, communities });
  });

  it.each([
    ['65000:100', null],
    ['65536:1', 'number from 0 to 65535'],
    ['1:2:3:4', 'neither'],
    ['a:b', 'each part'],
    ['4294967295:0:*', null],
    ['4294967296:0:0', 'number from 0 to 4294967295'],
  ])('community pattern %s', (text, problem) => {
    const p = communityProblem(text);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toContain(problem);
  });

  it('matchCommunities keeps configuration order', () => {
    expect(matchCommunities(['2:2', '1:1'].map(parseCommunityPattern), ['1:1', '2:2'], [])).toEqual(['2:2', '1:1']);
  });
});

describe('traffic: talkers to prefixes', () => {
  const covering = (a: string) => (a.startsWith('203.0.113.') ? '203.0.113.0/24' : a.startsWith('198.51.100.') ? '198.51.100.0/24' : a.startsWith('2001:db8:') ? '2001:db8::/32' : null);
  const snap = (source: string, talkers: Array<{ address: string; bytes: number }>) => ({ source, time: '2026-01-01T00:00:00Z', talkers: talkers.map((t) => ({ ...t, packets: 1 })) });

  it('sums bytes per covering prefix over sources; the busiest talkers become hints; uncovered ones are left out', () => {
    const book = new TalkerBook({ maxSources: 8, maxTalkersPerSource: 100, addressesPerPrefix: 2 });
    book.put(snap('a', [{ address: '203.0.113.5', bytes: 100 }, { address: '203.0.113.9', bytes: 900 }, { address: '192.0.2.1', bytes: 5000 }]), 0);
    book.put(snap('b', [{ address: '203.0.113.7', bytes: 50 }, { address: '2001:db8::10', bytes: 70 }]), 0);
    const m = book.byPrefix(covering, 1000, 60_000);
    expect([...m.keys()].sort()).toEqual(['2001:db8::/32', '203.0.113.0/24']);
    expect(m.get('203.0.113.0/24')).toEqual({ bytes: 1050, addresses: ['203.0.113.9', '203.0.113.5'] });
    expect(m.get('2001:db8::/32')).toEqual({ bytes: 70, addresses: ['2001:db8::10'] });
  });

  it('a new snapshot replaces its source; old snapshots age out; bad talkers are refused and counted', () => {
    const book = new TalkerBook({ maxSources: 8, maxTalkersPerSource: 2, addressesPerPrefix: 4 });
    book.put(snap('a', [{ address: '203.0.113.5', bytes: 100 }]), 0);
    expect(book.put(snap('a', [{ address: '198.51.100.1', bytes: 10 }, { address: 'not-an-ip', bytes: 1 }, { address: '198.51.100.2', bytes: -1 }]), 0)).toBe(2);
    expect([...book.byPrefix(covering, 0, 60_000).keys()]).toEqual(['198.51.100.0/24']);
    expect(book.put(snap('b', [1, 2, 3].map((i) => ({ address: `203.0.113.${i}`, bytes: i }))), 30_000)).toBe(1);
    expect(book.byPrefix(covering, 70_000, 60_000).get('203.0.113.0/24')).toEqual({ bytes: 5, addresses: ['203.0.113.3', '203.0.113.2'] });
    expect(book.sources).toBe(1);
  });

  it('keeps at most maxSources sources, dropping the least recently updated', () => {
    const book = new TalkerBook({ maxSources: 2, maxTalkersPerSource: 10, addressesPerPrefix: 4 });
    for (const s of ['a', 'b', 'c']) book.put(snap(s, [{ address: '203.0.113.1', bytes: 1 }]), 0);
    expect(book.sources).toBe(2);
    expect(book.byPrefix(covering, 0, 1000).get('203.0.113.0/24')!.bytes).toBe(2);
  });
});

describe('churn window', () => {
  it.each([
    ['a new route (table dump)', { event: announce('10.0.0.0/8'), change: 'new', previous: null }, false],
    ['a replace', { event: announce('10.0.0.0/8'), change: 'replace', previous: { asPath: [1], nextHop: null } }, true],
    ['a withdraw by an UPDATE', { event: withdraw('10.0.0.0/8'), change: 'withdraw', previous: null }, true],
    ['a treat-as-withdraw', { event: withdraw('10.0.0.0/8', { cause: 'treat-as-withdraw' }), change: 'withdraw', previous: null }, true],
    ['the flush of a session that went down', { event: withdraw('10.0.0.0/8', { cause: 'peer-down' }), change: 'withdraw', previous: null }, false],
  ] as const)('%s counts as churn: %s', (_name, change, want) => {
    expect(countsAsChurn(change as Parameters<typeof countsAsChurn>[0])).toBe(want);
  });

  it('counts changes per prefix within the sliding window', () => {
    const w = new ChurnWindow(60_000, 100);
    for (const t of [0, 10_000, 20_000]) w.record('10.0.0.0/8', t);
    w.record('192.0.2.0/24', 50_000);
    expect(w.counts(55_000)).toEqual(new Map([['10.0.0.0/8', 3], ['192.0.2.0/24', 1]]));
    expect(w.counts(75_000)).toEqual(new Map([['10.0.0.0/8', 1], ['192.0.2.0/24', 1]]));
    expect(w.counts(200_000)).toEqual(new Map());
    expect(w.size).toBe(0);
  });

  it('is bounded: past maxPrefixes, expired prefixes go, then the least recently changed, down to 90%', () => {
    const w = new ChurnWindow(60_000, 10, 3);
    w.record('old/8', 0);
    for (let i = 0; i < 9; i++) w.record(`p${i}/8`, 100_000 + i);
    w.record('p0/8', 100_100);
    expect(w.size).toBe(10);
    w.record('new/8', 100_200);
    // 11 > 10: "old" has expired; down to 9, p1 goes: it changed least recently (p0 changed again).
    expect([...w.counts(100_300).keys()].sort()).toEqual(['new/8', 'p0/8', 'p2/8', 'p3/8', 'p4/8', 'p5/8', 'p6/8', 'p7/8', 'p8/8']);
    expect(w.forgottenPrefixes).toBe(1);
    for (let i = 0; i < 10; i++) w.record('p0/8', 100_400 + i);
    expect(w.counts(100_500).get('p0/8')).toBe(3);
  });
});

describe('addresses in a prefix', () => {
  it.each([
    ['203.0.113.0/24', [1, 2, -2], [], 3, ['203.0.113.1', '203.0.113.2', '203.0.113.254']],
    ['203.0.113.0/24', [1], ['203.0.113.77', '198.51.100.1', '203.0.113.1'], 3, ['203.0.113.77', '203.0.113.1']],
    ['203.0.113.0/24', [0, -1, 300], [], 3, []],
    ['203.0.113.8/31', [1], [], 4, ['203.0.113.8', '203.0.113.9']],
    ['203.0.113.8/32', [1, 2], [], 4, ['203.0.113.8']],
    ['2001:db8::/32', [1, -2], ['2001:DB8:0:0::5'], 4, ['2001:db8::5', '2001:db8::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:fffe']],
    ['2001:db8::/32', [1, 2, 3], [], 2, ['2001:db8::1', '2001:db8::2']],
  ])('%s offsets %j hints %j max %d', (prefix, offsets, hints, max, want) => {
    expect(candidateAddresses(prefix, hints, offsets, max)).toEqual(want);
  });

  it('contains and spans', () => {
    expect(contains('203.0.113.0/24', '203.0.113.255')).toBe(true);
    expect(contains('203.0.113.0/24', '203.0.114.0')).toBe(false);
    expect(contains('2001:db8::/32', '203.0.113.1')).toBe(false);
    expect(contains('10.1.2.3/8', '10.200.0.1')).toBe(true);
    expect(prefixSpan('10.0.0.0/33')).toBeNull();
    expect(hostAt(prefixSpan('10.0.0.0/30')!, -1)).toBeNull();
    expect(hostAt(prefixSpan('2001:db8::/126')!, -1)).toBe('2001:db8::3');
  });
});

describe('target ids and inputs', () => {
  it.each([
    ['203.0.113.0/24', 'auto4-203-0-113-0-24'],
    ['0.0.0.0/0', 'auto4-0-0-0-0-0'],
    ['2001:db8::/32', 'auto6-20010db8-32'],
    ['2001:db8:8000::/33', 'auto6-20010db88-33'],
    ['2001:db8:1:2:3:4:5:6/128', 'auto6-20010db8000100020003000400050006-128'],
  ])('%s <-> %s', (prefix, id) => {
    expect(autoTargetId(prefix)).toBe(id);
    expect(prefixOfAutoId(id)).toBe(prefix);
  });

  it.each(['auto4-203-0-113-1-24', 'auto4-300-0-0-0-8', 'auto6-2001-32', 'auto4-1-2-3-4', 'api-x'])('%s names no prefix', (id) => {
    expect(prefixOfAutoId(id)).toBeNull();
  });

  it('the target input is a valid target with source auto, the configured tool and labels', () => {
    const settings = autoTargetsSchema.parse({ target: { tool: 'traceroute', method: 'icmp', intervalSec: 20 } }).target;
    const input = autoTargetInput('203.0.113.0/24', '203.0.113.1', { auto: 'churn' }, settings);
    const v = validateTargetInput(input, { allowPrivate: false, deny: [] });
    expect(v).toEqual({ ok: true, target: expect.objectContaining({ id: 'auto4-203-0-113-0-24', host: '203.0.113.1', tool: 'traceroute', method: 'icmp', intervalSec: 20, timeoutSec: 20, source: 'auto', labels: { auto: 'churn' } }) });
  });

  it('config refuses hints outside their prefix, bad communities and a method the tool lacks, each with its path', () => {
    const r = autoTargetsSchema.safeParse({ hints: { prefixes: { '203.0.113.0/24': ['198.51.100.1'] } }, target: { tool: 'mtr', method: 'icmp-paris' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['hints.prefixes.203.0.113.0/24.0', 'target.method']);
    const c = autoTargetsSchema.safeParse({ communities: ['65000:70000'], hints: { prefixes: { 'x/99': [] } } });
    expect(c.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['communities.0', 'hints.prefixes.x/99']);
  });
});
