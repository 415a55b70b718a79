/** The REST API, with the token on mutating calls and the API's validation problems kept per field. */
import { askToken, getToken } from './token.js';

export interface Problem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 401 && !retried) {
    const t = await askToken(method === 'GET' ? 'Reading needs the API token from this address.' : 'This change needs the API token.');
    if (t) return request<T>(method, path, body, true);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  // /api/health answers 503 with its body when degraded: still data.
  if (!res.ok && !(res.status === 503 && path === '/api/health')) {
    const d = (data ?? {}) as { message?: string; problems?: Problem[] };
    throw new ApiError(res.status, d.message ?? `${res.status} ${res.statusText}`, d.problems ?? []);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** "/api/prefixes/203.0.113.0%2F24/history" */
export function prefixPath(prefix: string): string {
  return `/api/prefixes/${encodeURIComponent(prefix)}/history`;
}

/**
 * Downloads an API file with the token (a plain link cannot send the header,
 * which matters when reads need the token: http.openReads none).
 */
export async function download(path: string, filename: string): Promise<void> {
  const token = getToken();
  const res = await fetch(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
