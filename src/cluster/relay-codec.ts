/**
 * What crosses instances through the relay collection, and how (pure).
 * Payloads travel as JSON text: one opaque string field keeps the document
 * flat (FerretDB 1.24 refuses nested arrays; AS paths and hops have them).
 */
import type { SmokeTraceEvents } from '../core/events.js';
import type { Role } from './roles.js';

/** Observations, alerts and path changes always; route changes rate-bounded. Never route.event, probe.request or alert.notify. */
export const RELAYED_TYPES = ['observation', 'alert', 'path.change', 'path.mtu', 'route.change'] as const;
export type RelayedType = (typeof RELAYED_TYPES)[number];

export interface RelayDoc {
  /** 24 hex digits, unique per event. */
  id: string;
  /** The publishing process (random per start): its own documents are never read back. */
  instance: string;
  vantage: string;
  roles: Role[];
  type: RelayedType;
  payload: string;
  /** Publish time, ms since the epoch (the publisher's clock). */
  atMs: number;
}

export type RelayedEvent = { [K in RelayedType]: { type: K; payload: SmokeTraceEvents[K] } }[RelayedType];

export function isRelayedType(t: unknown): t is RelayedType {
  return typeof t === 'string' && (RELAYED_TYPES as readonly string[]).includes(t);
}

export class RelayDecodeError extends Error {
  readonly code = 'RELAY_BAD_DOCUMENT';
  constructor(
    message: string,
    readonly id: string,
  ) {
    super(message);
    this.name = 'RelayDecodeError';
  }
}

/** A relay document back to the bus event it carries; throws RelayDecodeError for anything else. */
export function decodeRelayDoc(doc: RelayDoc): RelayedEvent {
  if (!isRelayedType(doc.type)) throw new RelayDecodeError(`unknown relayed type ${String(doc.type)}`, doc.id);
  let payload: unknown;
  try {
    payload = JSON.parse(doc.payload);
  } catch {
    throw new RelayDecodeError('payload is not JSON', doc.id);
  }
  if (payload === null || typeof payload !== 'object') throw new RelayDecodeError('payload is not an object', doc.id);
  return { type: doc.type, payload } as RelayedEvent;
}

/**
 * Remembers the last `capacity` ids (insertion order): a read that overlaps
 * the previous one skips what it already delivered.
 */
export class SeenSet {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True when new (and now remembered). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
    return true;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}

/** At most `perSec` per second, counted in whole-second windows of the given clock. */
export class RateBound {
  private windowStart = -1;
  private used = 0;
  constructor(private readonly perSec: number) {}

  take(nowMs: number): boolean {
    const w = Math.floor(nowMs / 1000);
    if (w !== this.windowStart) {
      this.windowStart = w;
      this.used = 0;
    }
    if (this.used >= this.perSec) return false;
    this.used++;
    return true;
  }
}
