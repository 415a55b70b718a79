/** The automatic-targets part of the Targets page: why each was chosen, and Pin / Exclude / Delete. */
import type { AutoTargetsResponse, AutoTargetView } from '../../../src/autotargets/view.js';
import { api } from '../api.js';
import { card, empty, h, link, table, td, toast } from '../dom.js';
import { ago } from '../format.js';

const REASON_TEXT: Record<string, string> = {
  churn: 'route churn',
  traffic: 'carries traffic',
  'origin-as': 'configured origin AS',
  community: 'tagged community',
};

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** "route churn: 12 changes in the window; also carries traffic" */
function why(t: AutoTargetView): string {
  const details: Record<string, string> = {
    churn: t.churn !== null ? `${t.churn} route changes in the window` : '',
    traffic: t.trafficBytes !== null ? `${bytes(t.trafficBytes)} to it` : '',
    'origin-as': t.originAs !== null ? `originated by AS${t.originAs}` : '',
    community: t.communities.length ? t.communities.join(', ') : '',
  };
  const main = `${REASON_TEXT[t.reason] ?? t.reason}${details[t.reason] ? `: ${details[t.reason]}` : ''}`;
  const others = t.reasons.filter((r) => r !== t.reason).map((r) => REASON_TEXT[r] ?? r);
  return others.length ? `${main}; also ${others.join(', ')}` : main;
}

function action(label: string, aria: string, cls: string, run: () => Promise<unknown>, done: string, reload: () => Promise<void>): HTMLButtonElement {
  const b = h('button', { type: 'button', class: `small ${cls}`, 'aria-label': aria }, label);
  b.addEventListener('click', () => {
    b.disabled = true;
    run()
      .then(() => {
        toast(done);
        return reload();
      })
      .catch((e: unknown) => toast(`${aria} failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (b.disabled = false));
  });
  return b;
}

/** The card; `onChange` reloads the page's list of all targets too. */
export function autoTargetsCard(onChange: () => Promise<void>): { element: HTMLElement; load: () => Promise<void> } {
  const box = h('div', {});
  const element = card('Automatic targets', h('p', { class: 'sub' }, 'Chosen from BGP (churn, origin AS, communities) and traffic data; refreshed as routes change.'), box);
  const base = (id: string) => `/api/auto-targets/${encodeURIComponent(id)}`;

  const load = async (): Promise<void> => {
    const data = await api.get<AutoTargetsResponse>('/api/auto-targets');
    if (!data.enabled) {
      box.replaceChildren(empty('Automatic targets are off (autoTargets.enabled in the configuration).'));
      return;
    }
    const reload = async () => {
      await load();
      await onChange();
    };
    const rows = data.targets.map((t) =>
      h(
        'tr',
        { 'data-auto-target': t.id },
        td(link(`#/target/${encodeURIComponent(t.id)}`, t.prefix), h('div', { class: 'sub' }, t.id)),
        td(t.host),
        td(why(t)),
        td(t.pinned ? h('strong', {}, 'pinned') : 'auto', t.inRib ? null : h('div', { class: 'sub' }, 'prefix not in the RIB')),
        td(
          h(
            'div',
            { class: 'actions' },
            t.pinned
              ? action('Unpin', `Unpin ${t.prefix}`, 'ghost', () => api.del(`${base(t.id)}/pin`), `Unpinned ${t.prefix}`, reload)
              : action('Pin', `Pin ${t.prefix}`, 'ghost', () => api.post(`${base(t.id)}/pin`), `Pinned ${t.prefix}`, reload),
            action('Exclude', `Exclude ${t.prefix}`, 'danger', () => api.post(`${base(t.id)}/exclude`), `Excluded ${t.prefix}`, reload),
            action('Delete', `Delete ${t.prefix}`, 'danger', () => api.del(base(t.id)), `Deleted ${t.prefix}`, reload),
          ),
        ),
      ),
    );
    const excluded = data.excluded.map((m) =>
      h('li', {}, `${m.prefix} (excluded ${ago(m.since)}) `, action('Unexclude', `Unexclude ${m.prefix}`, 'ghost', () => api.del(`${base(m.targetId)}/exclude`), `${m.prefix} may be chosen again`, reload)),
    );
    const last = data.lastRefresh;
    const parts: Node[] = [rows.length ? h('div', { class: 'table-wrap' }, table(['Prefix', 'Address', 'Why', 'State', 'Actions'], rows, undefined, { stack: true })) : empty('No automatic targets chosen yet.')];
    if (last) parts.push(h('p', { class: 'sub' }, `Last refresh ${ago(last.at)}: ${last.chosen} chosen, ${last.added.length} added, ${last.removed.length} removed, ${last.probes} reachability probes.`));
    if (excluded.length) parts.push(h('div', {}, h('h3', {}, 'Excluded prefixes'), h('ul', { class: 'excluded' }, ...excluded)));
    box.replaceChildren(...parts);
  };
  return { element, load };
}
