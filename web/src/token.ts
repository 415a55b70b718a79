/**
 * The API token for mutating calls. Asked once, kept in this browser's
 * localStorage (the UI says so), sent as "Authorization: Bearer TOKEN".
 */
import { h } from './dom.js';

const KEY = 'smoketrace.apiToken';

export function getToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
  updateTokenButton();
}

export function updateTokenButton(): void {
  const b = document.getElementById('token-button');
  if (b) b.textContent = getToken() ? 'API token ✓' : 'API token';
}

/** Shows the token dialog; resolves with the token (or null when cancelled). */
export function askToken(reason?: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', id: 'token-input', name: 'token', autocomplete: 'off', required: true, value: getToken() ?? '' });
    const dialog = h(
      'dialog',
      { class: 'token-dialog', 'aria-labelledby': 'token-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'token-title' }, 'API token'),
        reason ? h('p', { class: 'warn' }, reason) : null,
        h('p', {}, 'Changes (adding targets, probing) need the daemon\'s API token (http.apiToken, or the one printed once at first start). It is kept in this browser\'s localStorage and sent only to this daemon.'),
        h('label', { for: 'token-input' }, 'Token'),
        input,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', value: 'save' }, 'Save'),
          h('button', { type: 'submit', value: 'forget', class: 'ghost' }, 'Forget token'),
          h('button', { type: 'submit', value: 'cancel', class: 'ghost' }, 'Cancel'),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      const v = dialog.returnValue;
      if (v === 'save' && input.value.trim()) setToken(input.value.trim());
      if (v === 'forget') setToken(null);
      dialog.remove();
      resolve(v === 'save' ? getToken() : null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
