import { ConfigError, loadConfig } from '../config/load.js';

/**
 * `smoketrace config check FILE`: exit 0 and a summary, or exit 1 and every
 * problem with its key path. Checks the file itself: environment overrides
 * apply at start and could otherwise hide a mistake in the file.
 */
export function configCheckCommand(file: string): void {
  try {
    const cfg = loadConfig(file, {});
    process.stdout.write(
      `${file}: valid\n` +
        `  instance ${cfg.instance.name}, http ${cfg.http.host}:${cfg.http.port}, ` +
        `storage ${cfg.storage.uri ? 'MongoDB URI' : `embedded under ${cfg.storage.dataDir}/mongo`}\n`,
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
