import { App } from '../app.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { StorageStartError } from '../storage/mongo/connection.js';

const STOP_DEADLINE_MS = 9_000;

/**
 * `smoketrace start`: validate the config (every problem at once), build the
 * app, start it; SIGINT/SIGTERM stop it cleanly with exit code 0 (a second
 * signal, or a stop that overruns 10 s, exits at once with code 1).
 */
export async function startCommand(opts: { config?: string }): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig(opts.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`smoketrace: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = new App({ config });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`smoketrace: second ${signal}, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    app.log.info({ component: 'app', signal }, 'signal received, stopping');
    const hard = setTimeout(() => {
      process.stderr.write('smoketrace: stop took longer than 10 s, exiting\n');
      process.exit(1);
    }, 10_000);
    hard.unref();
    app
      .stop(STOP_DEADLINE_MS)
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await app.start();
  } catch (err) {
    const message = err instanceof StorageStartError || err instanceof Error ? err.message : String(err);
    app.log.fatal({ component: 'app', err: message }, 'start-up failed');
    app.log.flush();
    process.stderr.write(`smoketrace: start-up failed: ${message}\n`);
    process.exit(1);
  }
}
