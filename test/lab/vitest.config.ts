import { defineConfig } from 'vitest/config';

/**
 * `npm run test:lab`: the namespace lab scenarios only (root needed). One file at a
 * time, no parallelism: the scenarios share one lab and change its routing.
 */
export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    reporters: ['verbose'],
  },
});
