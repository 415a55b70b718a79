import type { RouteEvent } from '../../bgp/types.js';
import type { PathChangeRecord, StoredAlert } from '../storage/repositories.js';

/**
 * One probe run as the live channel sends it: what a line needs, not the hops.
 * `pathChanged` says the run's path (its hop signature) differs from the
 * previous run of the same target and vantage seen by this server: a path
 * change as it happens, before the correlator confirms and judges it
 * (a confirmed one arrives later as 'path.change').
 */
export interface LiveObservation {
  targetId: string;
  targetName: string;
  vantage: string;
  startedAt: string;
  status: 'ok' | 'failed';
  reached: boolean;
  hops: number;
  /** End-to-end median (else average) RTT in ms; null when not reached. */
  rttMs: number | null;
  /** 0..1 */
  loss: number;
  pathChanged: boolean;
  error: string | null;
}

/**
 * One path MTU measurement as the live channel sends it. `changed`: the value differs from the
 * previous measurement of the same target and vantage seen by this server (the correlator
 * confirms a change over several runs and alerts as mtu_change).
 */
export interface LiveMtu {
  targetId: string;
  targetName: string;
  vantage: string;
  measuredAt: string;
  tool: string;
  status: 'ok' | 'failed';
  /** null when the run found none (destination silent, or the run failed). */
  pathMtu: number | null;
  previousMtu: number | null;
  changed: boolean;
  /** Where the MTU drops, when a router said so. */
  limit: { ttl: number; ip: string | null; mtu: number; asn: number | null } | null;
  error: string | null;
}

/**
 * The live channel's event types: one typed map shared by the server and the
 * browser code (web/ imports these types), as Socket.IO recommends.
 */
export interface ServerToClientEvents {
  /** Several route events at once: the server batches to keep up with bursts; `dropped` beyond a batch. */
  'route.events': (batch: { events: RouteEvent[]; dropped: number }) => void;
  /** Probe runs, batched the same way. */
  observations: (batch: { items: LiveObservation[]; dropped: number }) => void;
  health: (h: { status: 'healthy' | 'degraded' }) => void;
  alert: (a: { action: 'open' | 'update' | 'resolve'; alert: StoredAlert }) => void;
  'path.change': (c: PathChangeRecord) => void;
  /** Path MTU measurements (probing.pmtu), one at a time: a few per target per hour at most. */
  'path.mtu': (m: LiveMtu) => void;
}

/**
 * Narrow what this client receives (absent or empty = everything): route
 * events by prefix, peer address and type; probe runs, path changes and alerts
 * by target id.
 */
export interface LiveFilter {
  prefixes?: string[];
  peers?: string[];
  kinds?: string[];
  targets?: string[];
}

export interface ClientToServerEvents {
  /** `done` is called once the filter is in force (what is emitted after it is filtered). */
  subscribe: (filter: LiveFilter, done?: () => void) => void;
}
