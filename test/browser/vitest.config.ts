import { defineConfig } from 'vitest/config';

/**
 * Browser tests: a real daemon (FerretDB/MongoDB via MONGODB_URI), the built web
 * UI, Debian's Chromium driven by playwright-core. Run with `npm run test:browser`.
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
