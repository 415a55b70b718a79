import { describe, expect, it } from 'vitest';
import { prefixRange, TargetIndex } from '../../src/correlate/target-index.js';

describe('TargetIndex', () => {
  const idx = new TargetIndex();
  idx.set('shop', '203.0.113.10');
  idx.set('api', '203.0.113.200');
  idx.set('far', '198.51.100.1');
  idx.set('v6', '2001:db8:100::10');
  idx.set('mapped', '::ffff:192.0.2.1');

  it.each([
    ['203.0.113.0/24', ['shop', 'api']],
    ['203.0.113.0/25', ['shop']],
    ['203.0.113.128/25', ['api']],
    ['0.0.0.0/0', ['far', 'shop', 'api']],
    ['203.0.113.10/32', ['shop']],
    ['192.0.2.0/24', []],
    ['2001:db8:100::/48', ['v6']],
    ['2001:db8::/32', ['v6']],
    ['::ffff:192.0.2.0/120', ['mapped']],
    ['2001:db8:200::/48', []],
    ['not a prefix', []],
  ])('%s covers %j', (prefix, ids) => {
    expect(idx.covered(prefix)).toEqual(ids);
  });

  it('follows address changes and removals', () => {
    const i = new TargetIndex();
    i.set('a', '10.0.0.1');
    expect(i.covered('10.0.0.0/8')).toEqual(['a']);
    i.set('a', '11.0.0.1');
    expect(i.covered('10.0.0.0/8')).toEqual([]);
    i.delete('a');
    expect(i.covered('0.0.0.0/0')).toEqual([]);
  });

  it('computes prefix ranges', () => {
    expect(prefixRange('10.0.0.0/8')).toEqual({ family: 4, first: 0x0a000000n, last: 0x0affffffn });
    expect(prefixRange('10.0.0.0/33')).toBeNull();
    expect(prefixRange('2001:db8::/127')?.last).toBe(0x20010db8000000000000000000000001n);
  });
});
