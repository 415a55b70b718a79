import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Inert from '@hapi/inert';
import type { Server } from '@hapi/hapi';
import type { Logger } from 'pino';

/** The package root: the nearest directory above this file holding package.json (works from src/ and from dist/src/). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SmokeTrace: web UI not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5; padding: 0 1rem">
<h1>SmokeTrace: the web UI is not built</h1>
<p>The daemon is running and its API answers under <a href="/api/health">/api/health</a>
(<a href="/api/docs">API docs</a>), but the web assets (<code>web/dist</code>) are missing.</p>
<p>Build them with <code>npm run build</code> (or <code>npm run build:web</code>) in the SmokeTrace directory, then reload this page.</p>
</body></html>`;

/**
 * Serves the single-page web UI from web/dist at / (hash routing: #/live,
 * #/overview, ...). Without a build, / answers a page saying how to make one.
 *
 * Inert's register() is synchronous, so its handler and toolkit decorations
 * exist as soon as server.register() has been called: the routes below can be
 * added in the same (synchronous) constructor that builds the app.
 */
export function registerStatic(server: Server, opts: { dir?: string; log?: Logger } = {}): void {
  const dist = opts.dir ?? join(packageRoot(), 'web', 'dist');
  server.register(Inert).catch((err: unknown) => opts.log?.error({ err }, 'static plugin registration failed'));
  const index = join(dist, 'index.html');
  server.route([
    {
      method: 'GET',
      path: '/',
      options: { description: 'The web UI', auth: false },
      handler: (_req, h) =>
        existsSync(index)
          ? h.file(index, { confine: false }).header('cache-control', 'no-cache')
          : h.response(NOT_BUILT).type('text/html; charset=utf-8').code(503),
    },
    {
      method: 'GET',
      path: '/assets/{file*}',
      // Vite puts a content hash in every asset's name: cache them for good.
      options: { description: 'Web UI assets', auth: false, cache: { expiresIn: 365 * 24 * 3600 * 1000, privacy: 'public' } },
      handler: { directory: { path: join(dist, 'assets'), index: false, listing: false, redirectToSlash: false } },
    },
    {
      method: 'GET',
      path: '/favicon.svg',
      options: { description: 'Web UI icon', auth: false },
      handler: { file: { path: join(dist, 'favicon.svg'), confine: false } },
    },
  ]);
}
