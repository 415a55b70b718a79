import { describe, expect, it } from 'vitest';
import { asPathsBeforeAfter } from '../../src/correlate/attribution.js';
import { decisions, holdingsFrom, routerAsns, type RouteHolding } from '../../src/correlate/decision.js';
import { announce, peer, withdraw } from './builders.js';

const PREFIX = '10.99.100.0/24';
const hold = (router: string, address: string, asn: number, asPath: number[] | null, type = 'global'): RouteHolding => ({
  router,
  peer: { address, asn, type, postPolicy: true },
  prefix: PREFIX,
  asPath,
  withdrawnInWindow: false,
});

describe('routerAsns: a router\'s own AS from what the feeds show', () => {
  it.each<[string, RouteHolding[], Record<string, number>]>([
    ['a Loc-RIB peer carries the router\'s AS (RFC 9069, gobgpd)', [hold('127.0.0.1', '0.0.0.0', 65101, [65001, 65002], 'loc-rib')], { '127.0.0.1': 65101 }],
    ['a router address that is a peer elsewhere (ExaBGP peering with r1)', [hold('10.99.1.1', '10.99.12.2', 65002, [65002]), hold('exabgp', '10.99.1.1', 65001, [65001, 65002])], { '10.99.1.1': 65001 }],
    ['FRR 8.4 BMP: the own AS in front of the Adj-RIB-In path', [hold('10.99.1.1', '10.99.12.2', 65002, [65001, 65002])], { '10.99.1.1': 65001 }],
    ['conflicting hints give no answer', [hold('r', '10.0.0.2', 65002, [65001, 65002]), hold('r', '0.0.0.0', 65009, [65002], 'loc-rib')], {}],
    ['nothing to go on', [hold('r', '10.0.0.2', 65002, [65002])], {}],
  ])('%s', (_name, holdings, expected) => {
    expect(Object.fromEntries(routerAsns(holdings))).toEqual(expected);
  });
});

describe('decisions', () => {
  const r1 = peer('10.99.1.1', 65001);
  const flip = [announce(r1, PREFIX, [65001, 65002], -60), announce(r1, PREFIX, [65001, 65003, 65004, 65002], 9)];

  it('the same change seen by several feeds is one decision', () => {
    const viaGobgp = flip.map((e) => ({ ...e, router: '127.0.0.1' }));
    const changes = asPathsBeforeAfter([...flip, ...viaGobgp]);
    const d = decisions(changes, holdingsFrom(changes, []));
    expect(d.map((x) => [x.kind, x.decidingAsn, x.oldNextAsn, x.newNextAsn, x.oldTail, x.newTail, x.seenBy.length])).toEqual([
      ['unknown', 65001, 65002, 65003, [65001, 65002], [65001, 65003, 65004, 65002]],
    ].map((r) => [...r, 2]));
  });

  it('a route from the old next AS with another path is no proof of policy (that AS changed its route)', () => {
    const changes = asPathsBeforeAfter(flip);
    const d = decisions(changes, holdingsFrom(changes, [hold('10.99.1.1', '10.99.12.2', 65002, [65002, 65010, 65020])]));
    expect(d.map((x) => x.kind)).toEqual(['unknown']);
  });

  it('a withdrawn stream is not a decision; the withdraw at the deciding AS classifies the move', () => {
    const atR1 = { ...peer('10.99.12.2', 65002), postPolicy: true };
    const events = [...flip, { ...announce(atR1, PREFIX, [65002], -60), router: '10.99.1.1' }, { ...withdraw(atR1, PREFIX, 8), router: '10.99.1.1' }];
    const changes = asPathsBeforeAfter(events);
    const d = decisions(changes, holdingsFrom(changes, []));
    expect(d.map((x) => [x.kind, x.witness?.router, x.witness?.routerAsnKnown])).toEqual([['withdrawn', '10.99.1.1', true]]);
  });

  it('a pre-policy route FRR 8.4 left behind (a loop through its own AS, never withdrawn) is no witness of anyone\'s policy', () => {
    // Seen in the lab: r1 (FRR, AS 65001) reported from r2 (AS 65002) the looped path 65002 65004 65003 65001, with its own AS
    // in front, and never withdrew it. Another router's best path leaving AS 65002 with that same tail must not take it as proof.
    const stale: RouteHolding = { ...hold('10.99.1.1', '10.99.12.2', 65002, [65001, 65002, 65004, 65003, 65001]), peer: { address: '10.99.12.2', asn: 65002, type: 'global', postPolicy: false } };
    const other = peer('192.0.2.9', 65009);
    const move = [announce(other, PREFIX, [65009, 65002, 65004, 65003, 65001], -60), announce(other, PREFIX, [65009, 65005, 65001], 9)];
    const changes = asPathsBeforeAfter(move);
    const d = decisions(changes, holdingsFrom(changes, [stale, hold('10.99.1.1', '10.99.13.3', 65003, [65001, 65003])]));
    expect(d.map((x) => [x.kind, x.decidingAsn, x.oldNextAsn, x.witness])).toEqual([['unknown', 65009, 65002, null]]);
    // The same holding at a router whose AS nothing reveals would be taken as a weak sign of AS 65009's policy:
    // what keeps the stale route out is that FRR's BMP shows r1's AS.
    const unknownRouter = { ...stale, asPath: [65002, 65004, 65003, 65001] };
    expect(decisions(changes, holdingsFrom(changes, [unknownRouter])).map((x) => x.kind)).toEqual(['policy']);
  });

  it('the new path only extends the old one: the old path\'s last AS changed its own announcement', () => {
    const changes = asPathsBeforeAfter([announce(r1, PREFIX, [65001, 65002], -60), announce(r1, PREFIX, [65001, 65002, 65005], 9)]);
    expect(decisions(changes, []).map((x) => [x.kind, x.decidingAsn, x.oldNextAsn])).toEqual([['origin', 65002, null]]);
  });
});
