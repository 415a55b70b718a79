import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';
import type { PathChangeRecord, StoredAlert } from '../storage/repositories.js';

/**
 * The live channel's event types: one typed map shared by the server and the
 * browser code (web/ imports these types), as Socket.IO recommends.
 */
export interface ServerToClientEvents {
  /** Several route events at once: the server batches to keep up with bursts. */
  'route.events': (batch: { events: RouteEvent[]; dropped: number }) => void;
  observation: (obs: PathObservation) => void;
  health: (h: { status: 'healthy' | 'degraded' }) => void;
  alert: (a: { action: 'open' | 'update' | 'resolve'; alert: StoredAlert }) => void;
  'path.change': (c: PathChangeRecord) => void;
}

export interface ClientToServerEvents {
  /** Narrow what this client receives (empty = everything). */
  subscribe: (filter: { prefixes?: string[]; targets?: string[]; kinds?: string[] }) => void;
}
