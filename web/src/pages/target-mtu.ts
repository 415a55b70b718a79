/**
 * The target page's "Path MTU" card: the current path MTU (probing.pmtu), where
 * the limit is when a router said so, and the changes (distinct values in time,
 * newest first) from GET /api/targets/{id}/mtu. It loads on its own, so a slow
 * or failing MTU request never holds up the rest of the page.
 */
import type { MtuStepRecord } from '../../../src/correlate/mtu.js';
import type { PmtuMeasurement } from '../../../src/probe/pmtu/types.js';
import { api } from '../api.js';
import { card, empty, h } from '../dom.js';
import { ago, time } from '../format.js';
import { limitText, mtuChangeItems } from './target-mtu-model.js';

export interface MtuResponse {
  enabled: boolean;
  latest: PmtuMeasurement | null;
  changes: MtuStepRecord[];
  measurements: PmtuMeasurement[];
}

export function mtuBody(r: MtuResponse): HTMLElement[] {
  if (!r.latest) return [empty(r.enabled ? 'No path MTU measured yet.' : 'Path MTU is not measured (probing.pmtu.enabled is false).')];
  const last = r.measurements[0];
  const items = mtuChangeItems(r.changes);
  return [
    h('p', { class: 'mtu-current' }, h('strong', {}, `${r.latest.pathMtu} bytes`), ` measured ${ago(r.latest.measuredAt)} with ${r.latest.tool}${limitText(r.latest.limit)}`),
    ...(last && last.pathMtu === null && last.error ? [h('p', { class: 'sub' }, `Latest run (${time(last.measuredAt)}): ${last.error.message}`)] : []),
    items.length > 1
      ? h('ol', { class: 'changes' }, ...items.map((c) => h('li', {}, h('time', { datetime: c.since }, time(c.since)), ' ', h('span', { class: `badge verdict-${c.lower ? 'worse' : 'same'}` }, c.lower ? 'lower' : 'changed'), ' ', c.text)))
      : h('p', { class: 'sub' }, 'No change recorded.'),
  ];
}

export function mtuCard(encodedId: string): HTMLElement {
  const body = h('div', {}, empty('Loading…'));
  void api
    .get<MtuResponse>(`/api/targets/${encodedId}/mtu?limit=500`)
    .then((r) => body.replaceChildren(...mtuBody(r)))
    .catch((e: unknown) => body.replaceChildren(empty(`Path MTU unavailable: ${e instanceof Error ? e.message : String(e)}`)));
  return card('Path MTU', body);
}
