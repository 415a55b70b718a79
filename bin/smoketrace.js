#!/usr/bin/env node
// The `smoketrace` command: runs the compiled CLI (npm install builds it via the "prepare" script).
try {
  await import('../dist/src/cli.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli.js')) {
    console.error('smoketrace is not built yet: run `npm run build` (npm install does it) in the package directory.');
    process.exit(1);
  }
  throw err;
}
