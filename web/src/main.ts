/** The single-page app: hash routes → page modules. Each page returns a cleanup to run when leaving it. */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { h } from './dom.js';
import { askToken, updateTokenButton } from './token.js';
import { alertPage } from './pages/alert.js';
import { livePage } from './pages/live.js';
import { overviewPage } from './pages/overview.js';
import { prefixPage } from './pages/prefix.js';
import { targetPage } from './pages/target.js';
import { targetsPage } from './pages/targets.js';

export type Cleanup = () => void;
export type Page = (root: HTMLElement, arg: string) => Cleanup | void | Promise<Cleanup | void>;

const ROUTES: Record<string, { page: Page; title: string }> = {
  live: { page: livePage, title: 'Live' },
  overview: { page: overviewPage, title: 'Overview' },
  targets: { page: targetsPage, title: 'Targets' },
  target: { page: targetPage, title: 'Target' },
  prefix: { page: prefixPage, title: 'Prefix' },
  alert: { page: alertPage, title: 'Alert' },
};

let cleanup: Cleanup | void = undefined;
let generation = 0;

async function route(): Promise<void> {
  const m = /^#\/([a-z]+)(?:\/(.*))?$/.exec(location.hash);
  const name = m?.[1] ?? 'overview';
  const arg = m?.[2] ? decodeURIComponent(m[2]) : '';
  const r = ROUTES[name];
  if (!r) {
    location.hash = '#/overview';
    return;
  }
  if (cleanup) cleanup();
  cleanup = undefined;
  const mine = ++generation;
  const main = document.getElementById('main')!;
  main.replaceChildren();
  document.title = `${r.title}${arg ? ` ${arg}` : ''} · SmokeTrace`;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  try {
    const c = await r.page(main, arg);
    if (mine === generation) cleanup = c;
    else if (c) c();
  } catch (err) {
    if (mine !== generation) return;
    main.append(h('div', { class: 'card error-box', role: 'alert' }, h('h2', {}, 'Could not load this page'), h('p', {}, err instanceof Error ? err.message : String(err))));
  }
}

/**
 * Boxes that scroll sideways (wide tables on a phone, the prefix timeline) must be reachable by
 * keyboard to be scrolled: each gets tabindex 0 and a region name from its caption or heading.
 */
function focusableScrollers(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('.table-wrap:not([tabindex]), .scroll-x:not([tabindex])')) {
    const name = el.querySelector('caption')?.textContent || el.closest('section')?.querySelector('h2')?.textContent || 'table';
    el.tabIndex = 0;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', `${name} (scrolls sideways)`);
  }
}
const mainEl = document.getElementById('main');
if (mainEl) new MutationObserver(() => focusableScrollers(mainEl)).observe(mainEl, { childList: true, subtree: true });

// A page change moves the keyboard and screen-reader focus to the new content (not on the first load).
window.addEventListener('hashchange', () => void route().then(() => document.getElementById('main')?.focus({ preventScroll: true })));
// "Skip to content" must not be a hash change here: "#main" would be read as a route.
document.querySelector<HTMLAnchorElement>('a.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main')?.focus();
});
document.getElementById('token-button')?.addEventListener('click', () => void askToken());
updateTokenButton();
void route();
