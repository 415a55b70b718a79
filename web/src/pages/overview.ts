/** Overview: the most troubled destinations (sortable, with sparklines) and the feeds' and prober's state. */
import type { TargetTrouble } from '../../../src/http/routes/overview.js';
import type { StoredAlert } from '../../../src/storage/repositories.js';
import { api, qs } from '../api.js';
import { sparkline } from '../charts.js';
import { card, empty, h, labelCells, link, table, td } from '../dom.js';
import { ago, minutes, ms } from '../format.js';
import type { Cleanup } from '../main.js';

interface OverviewResponse {
  since: string;
  until: string;
  targets: number;
  rows: TargetTrouble[];
}

interface PeersResponse {
  routers: Array<{
    router: string;
    source: string;
    connected: boolean;
    since: string;
    lastMessageAt: string | null;
    sysName?: string | null;
    sysDescr?: string | null;
    peers: Array<{ key: string; peer: { address: string; asn: number; type: string; postPolicy: boolean; adjRibOut: boolean }; state: string; since: string; lastMessageAt: string | null; lastDownReason: string | null; routes: number; initialDump: string; announcesSinceUp: number; withdrawsSinceUp: number }>;
  }>;
}

interface Health {
  status: string;
  version: string;
  uptimeSec: number;
  components: Record<string, { status: string; details?: Record<string, unknown> }>;
}

type SortKey = 'name' | 'pathChanges' | 'worse' | 'alerts' | 'minutesInAlert' | 'median';

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'Destination' },
  { key: 'pathChanges', label: 'Path changes' },
  { key: 'worse', label: 'Worse verdicts' },
  { key: 'alerts', label: 'Alerts' },
  { key: 'minutesInAlert', label: 'Time in alert' },
  { key: 'median', label: 'Latency (last runs)' },
];

function lastMs(r: TargetTrouble): number {
  for (let i = r.latency.length - 1; i >= 0; i--) {
    const v = r.latency[i]!.ms;
    if (v !== null) return v;
  }
  return -1;
}

function sortRows(rows: TargetTrouble[], key: SortKey, dir: 1 | -1): TargetTrouble[] {
  const val = (r: TargetTrouble): number | string => (key === 'name' ? r.name : key === 'median' ? lastMs(r) : r[key]);
  return [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    return (typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number)) * dir;
  });
}

/** The sort survives the periodic reload. */
const sort: { key: SortKey; dir: 1 | -1 } = { key: 'minutesInAlert', dir: -1 };

/** The period the counts cover, as offered in the menu (hours). Kept across visits like the sort. */
const PERIODS: ReadonlyArray<[number, string]> = [
  [1, 'last hour'],
  [6, 'last 6 hours'],
  [24, 'last 24 hours'],
  [24 * 7, 'last 7 days'],
  [24 * 30, 'last 30 days'],
];
let periodHours = 24;

function troubleTable(rows: TargetTrouble[]): HTMLElement {
  const wrap = h('div', { class: 'table-wrap' });
  let { key, dir } = sort;
  const draw = () => {
    const head = h(
      'tr',
      {},
      ...COLUMNS.map((c) =>
        h(
          'th',
          { scope: 'col', 'aria-sort': c.key === key ? (dir === 1 ? 'ascending' : 'descending') : 'none' },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              onclick: () => {
                dir = c.key === key ? (dir === 1 ? -1 : 1) : c.key === 'name' ? 1 : -1;
                key = c.key;
                sort.key = key;
                sort.dir = dir;
                draw();
                wrap.querySelector<HTMLButtonElement>(`th[aria-sort="${dir === 1 ? 'ascending' : 'descending'}"] button`)?.focus();
              },
            },
            c.label,
            c.key === key ? (dir === 1 ? ' ▲' : ' ▼') : '',
          ),
        ),
      ),
    );
    const body = sortRows(rows, key, dir).map((r) => {
      const last = lastMs(r);
      return h(
        'tr',
        { class: r.openAlerts ? 'row-alert' : '' },
        td(link(`#/target/${encodeURIComponent(r.id)}`, r.name), h('div', { class: 'sub' }, r.host)),
        td(String(r.pathChanges)),
        td(r.worse ? h('span', { class: 'badge bad' }, String(r.worse)) : '0'),
        td(String(r.alerts), r.openAlerts ? ' ' : null, r.openAlerts ? h('span', { class: 'badge bad' }, `${r.openAlerts} open`) : null),
        td(minutes(r.minutesInAlert)),
        td(
          h('div', { class: 'spark-cell' }, sparkline(r.latency.map((p) => p.ms), `median RTT of the last ${r.latency.length} runs of ${r.name}, latest ${ms(last >= 0 ? last : null)}`), h('span', {}, last >= 0 ? ms(last) : 'no reply')),
        ),
      );
    });
    labelCells(COLUMNS.map((c) => c.label), body);
    wrap.replaceChildren(h('table', { class: 'stack sortable' }, h('caption', {}, 'Click a column heading to sort'), h('thead', {}, head), h('tbody', {}, ...body)));
  };
  draw();
  return wrap;
}

function feedCard(peers: PeersResponse): HTMLElement {
  if (!peers.routers.length) return card('BGP feeds', empty('No BMP router or ExaBGP feed has connected yet.'));
  return card(
    'BGP feeds',
    ...peers.routers.map((r) =>
      h(
        'div',
        { class: 'router' },
        h('h3', {}, `${r.source.toUpperCase()} ${r.router}`, r.sysName ? ` (${r.sysName}${r.sysDescr ? ` ${r.sysDescr}` : ''})` : '', ' ', h('span', { class: `badge ${r.connected ? 'ok' : 'bad'}` }, r.connected ? 'connected' : 'disconnected')),
        h('p', { class: 'sub' }, `since ${ago(r.since)}, last message ${ago(r.lastMessageAt)}`),
        h(
          'div',
          { class: 'table-wrap' },
          table(
            ['Peer', 'AS', 'Kind', 'State', 'Routes', 'Initial dump', 'Announces / withdraws', 'Last message'],
            r.peers.map((p) =>
              h(
                'tr',
                {},
                td(p.peer.address),
                td(`AS${p.peer.asn}`),
                td(`${p.peer.type}${p.peer.postPolicy ? ' post-policy' : ' pre-policy'}${p.peer.adjRibOut ? ' adj-rib-out' : ''}`),
                td(h('span', { class: `badge ${p.state === 'up' ? 'ok' : p.state === 'down' ? 'bad' : ''}` }, p.state), p.lastDownReason ? h('div', { class: 'sub' }, p.lastDownReason) : null),
                td(String(p.routes)),
                td(p.initialDump),
                td(`${p.announcesSinceUp} / ${p.withdrawsSinceUp}`),
                td(ago(p.lastMessageAt)),
              ),
            ),
            undefined,
            { stack: true },
          ),
        ),
      ),
    ),
  );
}

function dl(entries: Array<[string, unknown]>): HTMLElement {
  return h('dl', { class: 'facts' }, ...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === undefined ? '–' : String(v))]));
}

function healthCard(hl: Health): HTMLElement {
  const c = hl.components;
  const prober = c.prober?.details as { targets?: number; queued?: number; running?: { total?: number }; runs?: Record<string, number>; lagMs?: { p50: number | null; p99: number | null } } | undefined;
  const storage = c.storage?.details as Record<string, unknown> | undefined;
  const correlator = c.correlator?.details as Record<string, unknown> | undefined;
  const rib = c.rib?.details as { routes?: number; prefixes?: { ipv4: number; ipv6: number } } | undefined;
  return card(
    'Daemon',
    h('p', {}, h('span', { class: `badge ${hl.status === 'healthy' ? 'ok' : 'bad'}` }, hl.status), ` version ${hl.version}, up ${minutes(Math.round(hl.uptimeSec / 60))}`),
    h('ul', { class: 'components' }, ...Object.entries(c).map(([name, v]) => h('li', {}, h('span', { class: `badge ${v.status === 'up' ? 'ok' : v.status === 'disabled' ? '' : 'bad'}` }, v.status), ` ${name}`))),
    h(
      'div',
      { class: 'grid3' },
      h('div', {}, h('h3', {}, 'Prober'), prober ? dl([['targets', prober.targets], ['running', prober.running?.total], ['queued', prober.queued], ['runs finished', prober.runs?.finished], ['failed', prober.runs?.failed], ['timed out', prober.runs?.timedOut], ['lag p50 / p99', `${ms(prober.lagMs?.p50)} / ${ms(prober.lagMs?.p99)}`]]) : empty('disabled')),
      h('div', {}, h('h3', {}, 'RIB and storage'), dl([['routes', rib?.routes], ['prefixes v4 / v6', rib?.prefixes ? `${rib.prefixes.ipv4} / ${rib.prefixes.ipv6}` : null], ['storage', storage?.state], ['write queue', storage?.queueDepth], ['written', storage?.written], ['dropped', storage?.dropped]])),
      h('div', {}, h('h3', {}, 'Correlator'), correlator ? dl([['observations', correlator.observations], ['path changes', correlator.pathChanges], ['alerts opened', correlator.alertsOpened], ['alerts resolved', correlator.alertsResolved], ['probe bursts', correlator.bursts]]) : empty('disabled')),
    ),
  );
}

function alertsCard(alerts: StoredAlert[]): HTMLElement {
  if (!alerts.length) return card('Recent alerts', empty('No alert in the last 24 hours.'));
  return card(
    'Recent alerts',
    h(
      'ul',
      { class: 'alerts' },
      ...alerts.map((a) =>
        h(
          'li',
          {},
          h('span', { class: `badge sev-${a.severity}` }, a.severity),
          ' ',
          link(`#/alert/${encodeURIComponent(a.id)}`, `${a.kind} on ${a.targetId}`),
          ` ${a.state === 'resolved' ? 'resolved' : 'open'}, ${ago(a.openedAt)}: `,
          a.summary,
        ),
      ),
    ),
  );
}

export async function overviewPage(root: HTMLElement): Promise<Cleanup> {
  const troubled = h('div', {});
  const alerts = h('div', {});
  const feeds = h('div', {});
  const daemon = h('div', {});
  const period = h('select', { name: 'period', id: 'overview-period' }, ...PERIODS.map(([hours, label]) => h('option', { value: hours, selected: hours === periodHours }, label)));
  root.append(h('h1', {}, 'Overview'), h('div', { class: 'actions' }, h('label', { for: period.id }, 'Troubles over the'), period), troubled, alerts, feeds, daemon);
  const load = async () => {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    // Whole minutes: the polls within a minute ask the same question (answered from the server's cache).
    const troubleSince = new Date(Math.floor(Date.now() / 60_000) * 60_000 - periodHours * 3600 * 1000).toISOString();
    const [ov, peers, health, recent] = await Promise.all([
      api.get<OverviewResponse>(`/api/overview${qs({ since: periodHours === 24 ? undefined : troubleSince })}`),
      api.get<PeersResponse>('/api/peers'),
      api.get<Health>('/api/health'),
      api.get<{ alerts: StoredAlert[] }>(`/api/alerts${qs({ since, limit: 20 })}`),
    ]);
    alerts.replaceChildren(alertsCard(recent.alerts));
    troubled.replaceChildren(
      card(
        'Troubled destinations',
        h('p', { class: 'sub' }, `Since ${new Date(ov.since).toLocaleString()} — ${ov.targets} target${ov.targets === 1 ? '' : 's'}, most troubled first${ov.rows.length < ov.targets ? ` (the first ${ov.rows.length} shown)` : ''}.`),
        ov.rows.length ? troubleTable(ov.rows) : empty('No targets yet: add one on the Targets page.'),
      ),
    );
    feeds.replaceChildren(feedCard(peers));
    daemon.replaceChildren(healthCard(health));
  };
  period.addEventListener('change', () => {
    periodHours = Number(period.value);
    void load().catch(() => {});
  });
  await load();
  const timer = setInterval(() => void load().catch(() => {}), 15_000);
  return () => clearInterval(timer);
}
