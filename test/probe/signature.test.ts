import { describe, expect, it } from 'vitest';
import { hopKey, pathSignature } from '../../src/probe/signature.js';
import type { ProbeReply } from '../../src/probe/types.js';

const hop = (...ips: (string | null)[]) => ({ probes: ips.map((ip): ProbeReply => ({ ip, rttMs: ip === null ? null : 1 })) });

describe('pathSignature', () => {
  it.each([
    { name: 'plain', hops: [hop('10.0.0.1'), hop('10.0.1.1')], want: '10.0.0.1|10.0.1.1' },
    { name: 'sorted unique per TTL', hops: [hop('10.0.0.2', '10.0.0.1', '10.0.0.2')], want: '10.0.0.1,10.0.0.2' },
    { name: 'no reply is *', hops: [hop('10.0.0.1'), hop(null, null), hop('192.0.2.1')], want: '10.0.0.1|*|192.0.2.1' },
    { name: 'partial reply ignores timeouts', hops: [hop(null, '10.0.0.9', null)], want: '10.0.0.9' },
    { name: 'trailing destination repeat collapsed', hops: [hop('10.0.0.1'), hop('192.0.2.1'), hop('192.0.2.1')], want: '10.0.0.1|192.0.2.1' },
    { name: 'trailing stars kept', hops: [hop('10.0.0.1'), hop(null), hop(null)], want: '10.0.0.1|*|*' },
    { name: 'inner repeat kept (a loop is a path fact)', hops: [hop('10.0.0.1'), hop('10.0.0.1'), hop('10.0.0.2')], want: '10.0.0.1|10.0.0.1|10.0.0.2' },
    { name: 'empty', hops: [], want: '' },
  ])('$name', ({ hops, want }) => {
    expect(pathSignature(hops)).toBe(want);
  });

  it('hopKey of a hop without probes is *', () => {
    expect(hopKey({ probes: [] })).toBe('*');
  });
});
