import type { Logger } from 'pino';

/** A long-lived part of the daemon. Constructors only store dependencies; work starts in start(). */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Finish or abort in-flight work and flush buffers. Must be safe to call after a failed start(). */
  stop(): Promise<void>;
}

/**
 * Starts services in order and stops them in reverse. If one fails to start,
 * the ones already started are stopped again, so the daemon never half-starts.
 */
export class ServiceManager {
  private readonly started: Service[] = [];

  constructor(
    private readonly services: Service[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (const s of this.services) {
      try {
        this.log.debug({ unit: s.name }, 'service starting');
        await s.start();
        this.started.push(s);
        this.log.info({ unit: s.name }, 'service started');
      } catch (err) {
        this.log.error({ unit: s.name, err }, 'service failed to start');
        await this.stop();
        throw err;
      }
    }
  }

  /** Stops in reverse order; each service gets its own share of the deadline. */
  async stop(deadlineMs = 9_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (this.started.length) {
      const s = this.started.pop()!;
      const left = Math.max(until - Date.now(), 100);
      try {
        await withTimeout(s.stop(), left, `${s.name} did not stop within ${left} ms`);
        this.log.info({ unit: s.name }, 'service stopped');
      } catch (err) {
        this.log.error({ unit: s.name, err }, 'service failed to stop cleanly');
      }
    }
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A small service from two functions, for composition-root glue. */
export function serviceOf(name: string, start: () => Promise<void> | void, stop: () => Promise<void> | void = () => {}): Service {
  return { name, start: async () => start(), stop: async () => stop() };
}
