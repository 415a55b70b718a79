/** Targets: list, add, edit, remove, probe now. The API's validation problems are shown next to each field. */
import type { Target } from '../../../src/probe/target.js';
import { api, ApiError } from '../api.js';
import { card, empty, field, h, link, select, table, td, toast } from '../dom.js';
import { ago } from '../format.js';
import { autoTargetsCard } from './auto-targets.js';

const TOOLS = ['traceroute', 'mtr', 'tcptraceroute', 'scamper'];
const METHODS = ['', 'udp', 'icmp', 'tcp', 'icmp-paris', 'udp-paris'];

interface FormInputs {
  form: HTMLFormElement;
  inputs: Record<string, HTMLInputElement | HTMLSelectElement>;
  general: HTMLElement;
}

function buildForm(): FormInputs {
  const text = (name: string, attrs: Record<string, string | boolean> = {}) => h('input', { name, type: 'text', autocomplete: 'off', ...attrs });
  const num = (name: string, min: number, max: number, placeholder: string) => h('input', { name, type: 'number', min, max, placeholder, inputmode: 'numeric' });
  const inputs: FormInputs['inputs'] = {
    name: text('name', { required: true, placeholder: 'shop.example' }),
    id: text('id', { placeholder: 'derived from the name' }),
    host: text('host', { required: true, placeholder: '192.0.2.10 or shop.example' }),
    tool: select('tool', TOOLS, 'traceroute'),
    method: select('method', METHODS, '', '(the tool\'s default)'),
    port: num('port', 1, 65535, '80 for tcp'),
    intervalSec: num('intervalSec', 10, 86400, '60'),
    timeoutSec: num('timeoutSec', 1, 600, '30'),
    probesPerHop: num('probesPerHop', 1, 10, '3'),
    maxHops: num('maxHops', 1, 64, '30'),
  };
  const enabled = h('input', { name: 'enabled', type: 'checkbox', checked: true });
  inputs.enabled = enabled;
  const general = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'target-form', novalidate: true },
    h(
      'div',
      { class: 'grid-form' },
      field('Name', inputs.name!, 'letters, digits, ".", "_" and "-"'),
      field('Id (slug)', inputs.id!),
      field('Host', inputs.host!, 'IP address or DNS name'),
      field('Tool', inputs.tool!),
      field('Method', inputs.method!),
      field('Port', inputs.port!),
      field('Interval (s)', inputs.intervalSec!),
      field('Timeout (s)', inputs.timeoutSec!),
      field('Probes per hop', inputs.probesPerHop!),
      field('Max hops', inputs.maxHops!),
      h('div', { class: 'field checkbox' }, enabled, h('label', { for: (enabled.id = 'f-enabled') }, 'Enabled'), h('small', { class: 'error', 'data-error-for': 'enabled' })),
    ),
    general,
  );
  return { form, inputs, general };
}

function readForm(f: FormInputs): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, el] of Object.entries(f.inputs)) {
    if (el instanceof HTMLInputElement && el.type === 'checkbox') body[k] = el.checked;
    else if (el instanceof HTMLInputElement && el.type === 'number') {
      if (el.value !== '') body[k] = Number(el.value);
    } else if (el.value.trim() !== '') body[k] = el.value.trim();
  }
  return body;
}

function fillForm(f: FormInputs, t: Target | null): void {
  for (const [k, el] of Object.entries(f.inputs)) {
    const v = t ? (t as unknown as Record<string, unknown>)[k] : undefined;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = v === undefined ? true : Boolean(v);
    else if (el instanceof HTMLSelectElement && (v === undefined || v === null)) el.selectedIndex = 0;
    else el.value = v === undefined || v === null ? '' : String(v);
  }
  f.inputs.id!.toggleAttribute('readonly', t !== null);
}

function showProblems(f: FormInputs, err: unknown): void {
  for (const e of f.form.querySelectorAll<HTMLElement>('[data-error-for]')) e.textContent = '';
  for (const el of Object.values(f.inputs)) el.removeAttribute('aria-invalid');
  f.general.textContent = '';
  if (!(err instanceof ApiError)) {
    f.general.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  const unplaced: string[] = [];
  for (const p of err.problems) {
    const name = p.path.split('.')[0] ?? '';
    const slot = f.form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot && name) {
      slot.textContent = slot.textContent ? `${slot.textContent}; ${p.message}` : p.message;
      f.inputs[name]?.setAttribute('aria-invalid', 'true');
    } else unplaced.push(p.path ? `${p.path}: ${p.message}` : p.message);
  }
  f.general.textContent = unplaced.length ? unplaced.join('; ') : err.problems.length ? 'Please correct the fields marked above.' : err.message;
  f.form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

export async function probeNow(id: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const label = button.textContent;
  button.textContent = 'Probing…';
  try {
    const r = await api.post<{ observation: { reached: boolean; hops: unknown[] } }>(`/api/targets/${encodeURIComponent(id)}/probe`);
    toast(`Probe of ${id} done: ${r.observation.reached ? 'reached' : 'NOT reached'} in ${r.observation.hops.length} hops`);
  } catch (err) {
    toast(`Probe of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

export async function targetsPage(root: HTMLElement): Promise<void> {
  const f = buildForm();
  const formTitle = h('h2', { id: 'form-title' }, 'Add a target');
  const submit = h('button', { type: 'submit' }, 'Add target');
  const cancel = h('button', { type: 'button', class: 'ghost', hidden: true }, 'Cancel edit');
  f.form.append(h('div', { class: 'actions' }, submit, cancel));
  const listBox = h('div', {});
  let editing: string | null = null;

  const setEditing = (t: Target | null) => {
    editing = t?.id ?? null;
    fillForm(f, t);
    showProblems(f, null);
    f.general.textContent = '';
    formTitle.textContent = t ? `Edit ${t.name}` : 'Add a target';
    submit.textContent = t ? 'Save changes' : 'Add target';
    cancel.hidden = !t;
    if (t) f.inputs.name!.focus();
  };

  const load = async () => {
    const { targets } = await api.get<{ targets: Target[] }>('/api/targets');
    if (!targets.length) return listBox.replaceChildren(empty('No targets yet.'));
    const rows = targets.map((t) => {
      const probe = h('button', { type: 'button', class: 'small' }, 'Probe now');
      probe.addEventListener('click', () => void probeNow(t.id, probe));
      const api_ = t.source === 'api';
      return h(
        'tr',
        { 'data-target': t.id },
        td(link(`#/target/${encodeURIComponent(t.id)}`, t.name), h('div', { class: 'sub' }, t.id)),
        td(t.host),
        td(`${t.tool} ${t.method}${t.port ? `:${t.port}` : ''}`),
        td(`${t.intervalSec} s`),
        td(t.enabled ? 'yes' : 'no'),
        td(t.source),
        td(
          h(
            'div',
            { class: 'actions' },
            probe,
            api_ ? h('button', { type: 'button', class: 'small ghost', 'aria-label': `Edit ${t.name}`, onclick: () => setEditing(t) }, 'Edit') : null,
            api_
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'small danger',
                    'aria-label': `Remove ${t.name}`,
                    onclick: () => {
                      if (!confirm(`Remove target ${t.name}?`)) return;
                      api
                        .del(`/api/targets/${encodeURIComponent(t.id)}`)
                        .then(() => {
                          toast(`Removed ${t.name}`);
                          if (editing === t.id) setEditing(null);
                          return load();
                        })
                        .catch((e: unknown) => toast(`Could not remove: ${e instanceof Error ? e.message : String(e)}`));
                    },
                  },
                  'Remove',
                )
              : h('span', { class: 'sub' }, t.source === 'auto' ? 'automatic: see below' : 'from the config file'),
          ),
        ),
      );
    });
    listBox.replaceChildren(h('div', { class: 'table-wrap' }, table(['Target', 'Host', 'Tool', 'Interval', 'Enabled', 'Source', 'Actions'], rows, undefined, { stack: true })));
  };

  f.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = readForm(f);
    const done = editing ? api.put<Target>(`/api/targets/${encodeURIComponent(editing)}`, { ...body, id: editing }) : api.post<Target>('/api/targets', body);
    submit.disabled = true;
    done
      .then(async (t) => {
        toast(`${editing ? 'Saved' : 'Added'} ${t.name}`);
        setEditing(null);
        await load();
      })
      .catch((err: unknown) => showProblems(f, err))
      .finally(() => (submit.disabled = false));
  });
  cancel.addEventListener('click', () => setEditing(null));

  const auto = autoTargetsCard(load);
  root.append(
    h('h1', {}, 'Targets'),
    card('All targets', listBox),
    auto.element,
    h('section', { class: 'card', 'aria-labelledby': 'form-title' }, formTitle, h('p', { class: 'sub' }, 'Changes need the API token (asked once, kept in this browser\'s localStorage).'), f.form),
  );
  setEditing(null);
  await load();
  await auto.load().catch((e: unknown) => toast(`Automatic targets: ${e instanceof Error ? e.message : String(e)}`));
}
