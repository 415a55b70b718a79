import type { Server } from '@hapi/hapi';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

import { schemaOf } from './validate.js';

/** Route option plugins.openapi: what the table cannot tell. A thunk, because hapi deep-clones route settings. */
export interface OpenApiRouteDoc {
  body?: () => z.ZodType;
}

function jsonSchema(s: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** Each property of an object schema as an OpenAPI parameter. */
function parameters(carrier: unknown, where: 'path' | 'query'): unknown[] {
  const fn = (carrier as { validate?: (v: unknown) => unknown } | undefined)?.validate;
  const s = fn ? schemaOf.get(fn) : undefined;
  if (!s) return [];
  const js = jsonSchema(s) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema,
  }));
}

/**
 * The OpenAPI 3.1 description of every /api route, built from hapi's route
 * table and the same zod schemas that validate the requests, so it cannot
 * drift from what the server accepts.
 */
export function buildOpenApi(server: Server, info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of server.table()) {
    if (!r.path.startsWith('/api/')) continue;
    // "/api/prefixes/{prefix*2}/history" is the same operation as "{prefix}" with an encoded slash.
    if (/\{[^}]+\*\d*\}/.test(r.path)) continue;
    const settings = r.settings as {
      description?: string;
      notes?: string | string[];
      tags?: string[];
      validate?: { params?: unknown; query?: unknown };
      plugins?: { openapi?: OpenApiRouteDoc };
    };
    const method = r.method.toLowerCase();
    const write = method !== 'get' && method !== 'head';
    const body = settings.plugins?.openapi?.body;
    const op: Record<string, unknown> = {
      summary: settings.description ?? '',
      tags: (settings.tags ?? []).filter((t) => t !== 'api'),
      parameters: [...parameters(settings.validate?.params, 'path'), ...parameters(settings.validate?.query, 'query')],
      responses: {
        '200': { description: 'OK' },
        ...(write ? { '401': { description: 'API token missing or wrong' } } : {}),
        '400': { description: 'Invalid request: every problem listed in "problems" [{path, message}]' },
        '503': { description: 'Storage unavailable' },
      },
      ...(write ? { security: [{ bearer: [] }] } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body()) } } } } : {}),
    };
    (paths[r.path] ??= {})[method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'SmokeTrace REST API. Mutating calls need `Authorization: Bearer TOKEN`; reads are open per http.openReads.' },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

/** GET /api/openapi.json and a readable page at /api/docs. */
export function registerOpenApi(server: Server, info: { title: string; version: string }): void {
  let cached: Record<string, unknown> | null = null;
  const spec = () => (cached ??= buildOpenApi(server, info));
  server.route({ method: 'GET', path: '/api/openapi.json', options: { description: 'This OpenAPI description' }, handler: () => spec() });
  server.route({
    method: 'GET',
    path: '/api/docs',
    options: { description: 'The API description as a page' },
    handler: (_req, h) => h.response(renderDocs(spec())).type('text/html; charset=utf-8'),
  });
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function renderDocs(spec: Record<string, unknown>): string {
  const paths = spec.paths as Record<string, Record<string, { summary: string; parameters: Array<{ name: string; in: string; required: boolean; schema: unknown }>; security?: unknown; requestBody?: unknown }>>;
  const rows = Object.entries(paths)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([m, op]) => `<section><h2><code>${m.toUpperCase()} ${esc(path)}</code>${op.security ? ' <small>(token)</small>' : ''}</h2><p>${esc(op.summary)}</p>${
          op.parameters.length
            ? `<ul>${op.parameters.map((p) => `<li><code>${esc(p.name)}</code> (${p.in}${p.required ? ', required' : ''}): <code>${esc(JSON.stringify(p.schema))}</code></li>`).join('')}</ul>`
            : ''
        }${op.requestBody ? `<details><summary>JSON body</summary><pre>${esc(JSON.stringify(op.requestBody, null, 2))}</pre></details>` : ''}</section>`,
      ),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>SmokeTrace API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}code{background:#f2f2f2;padding:0 .2em}section{border-top:1px solid #ddd;padding:.5rem 0}h2{font-size:1rem;margin:.4rem 0}pre{overflow:auto;background:#f7f7f7;padding:.5rem}</style></head>
<body><h1>SmokeTrace API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${rows}</body></html>`;
}
