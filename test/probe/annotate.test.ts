/**
 * annotateHops on a real Rib: each hop's main address (the most frequent
 * replying one) gets the origin AS and the longest covering prefix.
 */
import { describe, expect, it } from 'vitest';
import { annotateHops } from '../../src/probe/annotate.js';
import { pathSignature } from '../../src/probe/signature.js';
import type { Hop, PathObservation } from '../../src/probe/types.js';
import { Rib } from '../../src/rib/index.js';
import { announce } from '../rib/events.js';

const rib = new Rib();
rib.apply(announce('192.0.2.0/24', { asPath: [65001, 64500] }));
rib.apply(announce('192.0.2.128/25', { asPath: [65001, 64501] }));
rib.apply(announce('2001:db8::/32', { asPath: [65001, 64502] }));
const origins = { covering: (a: string) => rib.lookup(a), originAsn: (a: string) => rib.originAsn(a) };

const hop = (ttl: number, ips: Array<string | null>): Hop => ({
  ttl,
  probes: ips.map((ip) => ({ ip, rttMs: ip ? 1 : null })),
  sent: ips.length,
  received: ips.filter(Boolean).length,
  loss: ips.filter((i) => !i).length / ips.length,
});

function obs(hops: Hop[]): PathObservation {
  return { target: { name: 't', address: '192.0.2.200' }, tool: 'traceroute', method: 'udp', vantage: 'v', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, hops, reached: true, rtt: null, loss: 0, signature: pathSignature(hops), status: 'ok' };
}

describe('annotateHops', () => {
  it('longest match, most frequent address per hop, null for silent or uncovered hops, IPv6 too', () => {
    const input = obs([hop(1, ['10.0.0.1', '10.0.0.1', null]), hop(2, ['192.0.2.1', '192.0.2.200', '192.0.2.200']), hop(3, [null, null, null]), hop(4, ['192.0.2.5']), hop(5, ['2001:db8::1'])]);
    const out = annotateHops(input, origins);
    expect(out.hops.map((h) => [h.ttl, h.asn, h.prefix])).toEqual([
      [1, null, null],
      [2, 64501, '192.0.2.128/25'],
      [3, null, null],
      [4, 64500, '192.0.2.0/24'],
      [5, 64502, '2001:db8::/32'],
    ]);
    // Pure: the input is untouched, everything else is carried over.
    expect(input.hops[1]).not.toHaveProperty('asn');
    expect({ ...out, hops: [] }).toEqual({ ...input, hops: [] });
  });
});
