import { describe, expect, it } from 'vitest';
import { compareVantages, dataPlaneAsPath } from '../../src/cluster/compare.js';
import type { StoredAlert } from '../../src/storage/repositories.js';
import { LONG, observation, SHORT } from '../correlate/builders.js';

const at = (vantage: string, hops: typeof SHORT, minute: number, targetId = 'shop') => ({ ...observation(hops, { minute, targetId }), vantage });
const alert = (vantage: string, state: StoredAlert['state'], id: string): StoredAlert => ({
  id,
  targetId: 'shop',
  kind: 'path_worse',
  state,
  severity: 'major',
  openedAt: '2026-01-15T14:00:00.000Z',
  updatedAt: '2026-01-15T14:00:00.000Z',
  resolvedAt: null,
  summary: '',
  flapping: false,
  vantage,
});

describe('compareVantages', () => {
  it('takes the newest run per vantage, lists open alerts per vantage, and says when AS paths differ', () => {
    const obs = [at('nyc', SHORT, 1), at('fra', SHORT, 1), at('fra', LONG, 2), at('nyc', SHORT, 3), at('sin', LONG, 9, 'other')];
    const c = compareVantages('shop', obs, [alert('fra', 'open', 'a'), alert('fra', 'resolved', 'b'), alert('nyc', 'updated', 'c')]);
    expect(c.vantages.map((v) => [v.vantage, v.asPath, v.hopCount, v.runs, v.openAlerts.map((a) => a.id)])).toEqual([
      ['fra', [65001, 65003, 65004, 65002], 5, 2, ['a']],
      ['nyc', [65001, 65002], 3, 2, ['c']],
    ]);
    expect(c.asPathsDiffer).toBe(true);
    expect(compareVantages('shop', [at('fra', SHORT, 1), at('nyc', SHORT, 2)], []).asPathsDiffer).toBe(false);
  });

  it('collapses repeats and skips unknown ASNs (hops not annotated without a RIB)', () => {
    const o = at('fra', [{ ip: '10.0.0.1', asn: null, rtt: 1 }, { ip: '10.0.0.2', asn: 65001, rtt: 1 }, { ip: null, rtt: 1 }, { ip: '10.0.0.3', asn: 65001, rtt: 1 }, { ip: '10.0.0.4', asn: 65002, rtt: 1 }], 1);
    expect(dataPlaneAsPath(o)).toEqual([65001, 65002]);
  });
});
