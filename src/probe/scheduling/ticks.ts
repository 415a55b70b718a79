/**
 * Time sources of the probe scheduler: the timers it arms run timeouts with,
 * and the coarse tick (about once a second) that makes it look for due
 * targets. node-cron by default; intervalTickSource for vitest fake timers
 * and the benchmark.
 */
import cron from 'node-cron';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Calls onTick about once a second until stopped. */
export interface TickSource {
  start(onTick: () => void): void;
  stop(): void;
}

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The default tick: node-cron, every second (6-field expression with seconds). */
export function cronTickSource(expression = '* * * * * *'): TickSource {
  let task: ReturnType<typeof cron.createTask> | null = null;
  return {
    start(onTick) {
      // A missed tick is harmless (the next one starts whatever is due), so no warnings for it.
      task = cron.createTask(expression, () => onTick(), { name: 'probe-scheduler-tick', suppressMissedWarning: true });
      void task.start();
    },
    stop() {
      void task?.destroy();
      task = null;
    },
  };
}

/** A plain setInterval-style tick through the given timers (vitest fake timers, the benchmark). */
export function intervalTickSource(periodMs = 1000, timers: Timers = defaultTimers): TickSource {
  let handle: unknown = null;
  return {
    start(onTick) {
      const loop = (): void => {
        handle = timers.setTimeout(loop, periodMs);
        onTick();
      };
      handle = timers.setTimeout(loop, periodMs);
    },
    stop() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
