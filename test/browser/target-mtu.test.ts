import { describe, expect, it } from 'vitest';
import { mtuChangeItems } from '../../web/src/pages/target-mtu-model.js';

describe('target page: path MTU changes', () => {
  it('newest first, each with its difference, lower ones marked, the limiting router when known', () => {
    const items = mtuChangeItems([
      { mtu: 1500, since: '2026-01-01T13:00:00.000Z', tool: 'tracepath', limit: null },
      { mtu: 1400, since: '2026-01-01T14:02:00.000Z', tool: 'tracepath', limit: { ttl: 1, ip: '10.98.1.1', mtu: 1400, asn: 65001 } },
      { mtu: 1500, since: '2026-01-01T15:00:00.000Z', tool: 'tracepath', limit: null },
    ]);
    expect(items).toEqual([
      { since: '2026-01-01T15:00:00.000Z', text: '1500 bytes (+100 bytes, was 1400)', lower: false },
      { since: '2026-01-01T14:02:00.000Z', text: '1400 bytes (-100 bytes, was 1500) — limit at 10.98.1.1 (hop 1, AS65001)', lower: true },
      { since: '2026-01-01T13:00:00.000Z', text: '1500 bytes (first measured)', lower: false },
    ]);
  });
});
