import type { Logger } from 'pino';

type Handler<T> = (payload: T) => void | Promise<void>;

interface Listener<T> {
  owner: string;
  handler: Handler<T>;
}

/**
 * A typed, synchronous-dispatch event bus. Listeners are keyed by owner so a
 * service can remove all of its own at stop(). Each listener is wrapped: a
 * throwing or rejecting consumer is logged and counted, and the others still
 * run. Emit never throws and never awaits (ingest must never block on a slow
 * consumer: consumers that do I/O queue the work themselves).
 */
export class EventBus<M extends { [K in keyof M]: unknown }> {
  private readonly listeners = new Map<keyof M, Listener<never>[]>();
  private readonly emitted = new Map<keyof M, number>();
  private failures = 0;

  constructor(private readonly log?: Logger) {}

  on<K extends keyof M>(event: K, owner: string, handler: Handler<M[K]>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, handler } as Listener<never>);
    this.listeners.set(event, list);
  }

  off(owner: string): void {
    for (const [event, list] of this.listeners) {
      this.listeners.set(
        event,
        list.filter((l) => l.owner !== owner),
      );
    }
  }

  emit<K extends keyof M>(event: K, payload: M[K]): void {
    this.emitted.set(event, (this.emitted.get(event) ?? 0) + 1);
    const list = this.listeners.get(event);
    if (!list) return;
    for (const l of list as Listener<M[K]>[]) {
      try {
        const r = l.handler(payload);
        if (r && typeof (r as Promise<void>).catch === 'function') {
          (r as Promise<void>).catch((err: unknown) => this.fail(String(event), l.owner, err));
        }
      } catch (err) {
        this.fail(String(event), l.owner, err);
      }
    }
  }

  listenerCount(event: keyof M): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  stats(): { emitted: Record<string, number>; listenerFailures: number } {
    return { emitted: Object.fromEntries([...this.emitted].map(([k, v]) => [String(k), v])), listenerFailures: this.failures };
  }

  private fail(event: string, owner: string, err: unknown): void {
    this.failures++;
    this.log?.error({ event, owner, err }, 'bus listener failed');
  }
}
