import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';

/**
 * The live channel's event types: one typed map shared by the server and the
 * browser code (web/ imports these types), as Socket.IO recommends.
 */
export interface ServerToClientEvents {
  /** Several route events at once: the server batches to keep up with bursts. */
  'route.events': (batch: { events: RouteEvent[]; dropped: number }) => void;
  observation: (obs: PathObservation) => void;
  health: (h: { status: 'healthy' | 'degraded' }) => void;
}

export interface ClientToServerEvents {
  /** Narrow what this client receives (empty = everything). */
  subscribe: (filter: { prefixes?: string[]; targets?: string[]; kinds?: string[] }) => void;
}
