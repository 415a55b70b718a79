/** Tiny DOM builders: every page is made of these, never of HTML strings (no injection from data). */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

function apply(el: Element, attrs: Attrs | undefined): void {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else el.setAttribute(k === 'className' ? 'class' : k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

/** h('a', { href: '#/x', class: 'y' }, 'text', child) */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG (path diagrams, sparklines, timelines). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** A section with a heading, the building block of each page. */
export function card(title: string, ...children: Child[]): HTMLElement {
  const id = `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A labelled input row: every input has a visible <label for>. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLElement {
  input.id ||= `f-${Math.random().toString(36).slice(2, 9)}`;
  const errId = `${input.id}-err`;
  input.setAttribute('aria-describedby', errId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('small', { class: 'error', id: errId, 'data-error-for': input.name }),
  );
}

export function select(name: string, options: readonly string[], value?: string, emptyLabel = '(any)'): HTMLSelectElement {
  const el = h('select', { name });
  for (const o of options) el.append(h('option', { value: o, selected: o === value }, o || emptyLabel));
  return el;
}

/** Puts each column's heading on its cells (data-label), so a .stack table can show label: value rows on a phone. */
export function labelCells(headers: readonly string[], rows: readonly Node[]): void {
  for (const r of rows) {
    if (!(r instanceof HTMLTableRowElement)) continue;
    [...r.cells].forEach((c, i) => c.setAttribute('data-label', headers[i] ?? ''));
  }
}

export function table(headers: readonly string[], rows: Node[], caption?: string, opts: { stack?: boolean } = {}): HTMLTableElement {
  if (opts.stack) labelCells(headers, rows);
  return h(
    'table',
    { class: opts.stack ? 'stack' : null },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows),
  );
}

export function td(...children: Child[]): HTMLTableCellElement {
  return h('td', {}, ...children);
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function link(href: string, text: Child): HTMLAnchorElement {
  return h('a', { href }, text);
}

/** A short status message (aria-live polite). */
export function toast(text: string): void {
  const t = document.getElementById('toast');
  if (!t) return;
  t.textContent = text;
  t.classList.add('show');
  setTimeout(() => t.classList.remove('show'), 3500);
}
