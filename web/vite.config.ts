import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The web UI: plain TypeScript + DOM, bundled from web/ into web/dist (served by src/http/static.ts). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development, with the daemon on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
