/**
 * Live: route events, probe runs (those whose path differs from the run before
 * stand out), judged path changes and alerts as they happen. Incoming items
 * go to a queue; one requestAnimationFrame drains it, grouping alike items
 * (same kind, peer and prefix; then same kind and peer under heavy load) into
 * one line that says how many events it stands for. The list is bounded.
 */
import type { RouteEvent } from '../../../bgp/types.js';
import type { LiveObservation } from '../../../src/http/live-events.js';
import { h, card, field } from '../dom.js';
import { clock } from '../format.js';
import { liveSocket } from '../live.js';
import type { Cleanup } from '../main.js';
import { groupItems, itemOfAlert, itemOfChange, itemOfMtu, itemOfObservation, itemOfRoute, KIND_OPTIONS, type LiveItem, type LiveGroup } from './live-model.js';

const MAX_LINES = 400;
/** Lines added per frame at most; beyond it, items collapse further (by kind and peer). */
const LINES_PER_FRAME = 50;
/** Items held while paused (the oldest are dropped, counted). */
const MAX_PENDING = 20_000;
/** How long a new line stays highlighted (also without animation, for reduced motion). */
const NEW_MS = 4000;

export function livePage(root: HTMLElement): Cleanup {
  const prefixIn = h('input', { name: 'prefix', type: 'search', placeholder: '203.0.113.0/24', autocomplete: 'off' });
  const peerIn = h('input', { name: 'peer', type: 'search', placeholder: '192.0.2.1 or AS', autocomplete: 'off' });
  const targetIn = h('input', { name: 'target', type: 'search', placeholder: 'target id', autocomplete: 'off' });
  const kindIn = h('select', { name: 'kind' }, ...KIND_OPTIONS.map(([value, label]) => h('option', { value }, label)));
  const pauseBtn = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause');
  const clearBtn = h('button', { type: 'button', class: 'ghost' }, 'Clear');
  const stats = h('p', { class: 'live-stats', 'aria-live': 'off' });
  const status = h('span', { class: 'badge' }, 'connecting…');
  const list = h('ol', { class: 'live-list', 'aria-label': 'Live events, newest first' });

  root.append(
    h('h1', {}, 'Live ', status),
    card(
      'Filters',
      h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => e.preventDefault() }, field('Prefix', prefixIn), field('Peer', peerIn), field('Target', targetIn), field('Kind', kindIn)),
      h('div', { class: 'actions' }, pauseBtn, clearBtn),
      stats,
    ),
    card('Events', list),
  );

  let pending: LiveItem[] = [];
  let paused = false;
  let received = 0;
  let shown = 0;
  let droppedServer = 0;
  let droppedLocal = 0;
  let raf = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const filterOf = () => ({ prefix: prefixIn.value.trim(), peer: peerIn.value.trim(), target: targetIn.value.trim(), kind: kindIn.value });

  function push(items: LiveItem[]): void {
    received += items.length;
    pending.push(...items);
    if (pending.length > MAX_PENDING) {
      droppedLocal += pending.length - MAX_PENDING;
      pending = pending.slice(pending.length - MAX_PENDING);
    }
    if (paused) updateStats();
    else schedule();
  }

  function schedule(): void {
    if (!raf && !paused) raf = requestAnimationFrame(render);
  }

  function line(g: LiveGroup): HTMLLIElement {
    const e = g.sample;
    return h(
      'li',
      { class: `live-line new kind-${e.kind.replace('.', '-')}`, 'data-kind': e.kind },
      h('time', { datetime: e.time }, clock(e.time)),
      h('span', { class: 'kind' }, e.kind),
      g.count > 1 ? h('span', { class: 'count', title: `this line stands for ${g.count} events`, 'data-count': g.count }, h('span', { 'aria-hidden': 'true' }, `×${g.count}`), h('span', { class: 'sr-only' }, `${g.count} events:`)) : null,
      h('span', { class: 'what' }, e.href ? h('a', { href: e.href }, g.count > 1 ? g.label : e.text) : g.count > 1 ? g.label : e.text),
    );
  }

  function render(): void {
    raf = 0;
    if (paused || !pending.length) return updateStats();
    const batch = pending;
    pending = [];
    const groups = groupItems(batch, filterOf(), LINES_PER_FRAME);
    const frag = document.createDocumentFragment();
    // Newest first: the batch's last group goes on top.
    for (let i = groups.length - 1; i >= 0; i--) frag.append(line(groups[i]!));
    shown += groups.reduce((n, g) => n + g.count, 0);
    const added = [...frag.children];
    list.prepend(frag);
    while (list.childElementCount > MAX_LINES) list.lastElementChild!.remove();
    // One timer per frame, not per line: the highlight ends NEW_MS after the frame that added it.
    if (added.length) {
      const t = setTimeout(() => {
        timers.delete(t);
        for (const el of added) el.classList.remove('new');
      }, NEW_MS);
      timers.add(t);
    }
    updateStats();
  }

  function updateStats(): void {
    stats.textContent =
      `${received} received, ${shown} shown` +
      (droppedServer ? `, ${droppedServer} dropped by the server (burst beyond a batch)` : '') +
      (droppedLocal ? `, ${droppedLocal} dropped while paused` : '') +
      (paused ? ` — paused, ${pending.length} waiting` : '');
  }

  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    pauseBtn.setAttribute('aria-pressed', String(paused));
    if (!paused) schedule();
    updateStats();
  });
  clearBtn.addEventListener('click', () => {
    list.replaceChildren();
    received = shown = droppedServer = droppedLocal = 0;
    updateStats();
  });

  const sock = liveSocket();
  const onRoutes = (b: { events: RouteEvent[]; dropped: number }) => {
    droppedServer += b.dropped;
    push(b.events.map(itemOfRoute));
  };
  const onRuns = (b: { items: LiveObservation[]; dropped: number }) => {
    droppedServer += b.dropped;
    push(b.items.map(itemOfObservation));
  };
  const onChange = (c: Parameters<typeof itemOfChange>[0]) => push([itemOfChange(c)]);
  const onMtu = (m: Parameters<typeof itemOfMtu>[0]) => push([itemOfMtu(m)]);
  const onAlert = (a: Parameters<typeof itemOfAlert>[0]) => push([itemOfAlert(a)]);
  const onConnect = () => {
    status.textContent = 'connected';
    status.className = 'badge ok';
  };
  const onDisconnect = () => {
    status.textContent = 'disconnected (reconnecting)';
    status.className = 'badge bad';
  };
  sock.on('route.events', onRoutes);
  sock.on('observations', onRuns);
  sock.on('path.change', onChange);
  sock.on('path.mtu', onMtu);
  sock.on('alert', onAlert);
  sock.on('connect', onConnect);
  sock.on('disconnect', onDisconnect);
  if (sock.connected) onConnect();
  updateStats();

  return () => {
    cancelAnimationFrame(raf);
    for (const t of timers) clearTimeout(t);
    sock.off('route.events', onRoutes);
    sock.off('observations', onRuns);
    sock.off('path.change', onChange);
    sock.off('path.mtu', onMtu);
    sock.off('alert', onAlert);
    sock.off('connect', onConnect);
    sock.off('disconnect', onDisconnect);
  };
}
