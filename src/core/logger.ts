import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Where JSON lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/**
 * Structured JSON logs with fixed keys (component, router, peer, prefix, target):
 * messages are constant strings, data goes into fields.
 */
export function createRootLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'smoketrace' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export function componentLogger(root: Logger, component: string): Logger {
  return root.child({ component });
}

/** A logger that writes nothing: for pure-code tests and CLI subcommands that print data on stdout. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
