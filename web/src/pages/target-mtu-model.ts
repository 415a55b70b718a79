/** The Path MTU card's text, without the DOM (tested under Node like live-model.ts). */
import type { MtuStepRecord } from '../../../src/correlate/mtu.js';
import type { PmtuLimit } from '../../../src/probe/pmtu/types.js';

export function limitText(l: PmtuLimit | null): string {
  if (!l || l.ip === null) return '';
  return ` — limit at ${l.ip} (hop ${l.ttl}${l.asn != null ? `, AS${l.asn}` : ''})`;
}

/** The changes, newest first, each with its difference to the value before. */
export function mtuChangeItems(changes: readonly MtuStepRecord[]): Array<{ since: string; text: string; lower: boolean }> {
  return changes
    .map((c, i) => {
      const before = i > 0 ? changes[i - 1]!.mtu : null;
      const delta = before === null ? 'first measured' : `${c.mtu < before ? '' : '+'}${c.mtu - before} bytes, was ${before}`;
      return { since: c.since, text: `${c.mtu} bytes (${delta})${limitText(c.limit)}`, lower: before !== null && c.mtu < before };
    })
    .reverse();
}

