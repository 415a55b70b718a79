import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';

/** A request to measure a target now (API, CLI, or a BGP-triggered burst). */
export interface ProbeRequest {
  targetId: string;
  reason: 'api' | 'bgp-trigger' | 'schedule' | 'cli';
  /** Route event that triggered it, for the evidence trail. */
  cause?: { prefix: string; type: string; time: string };
}

export interface StorageStateEvent {
  state: 'connected' | 'disconnected';
  error?: string;
}

/**
 * The one typed map of everything modules say to each other. Later modules
 * extend it here, not with ad-hoc string channels.
 */
export interface SmokeTraceEvents {
  'route.event': RouteEvent;
  'probe.request': ProbeRequest;
  'observation': PathObservation;
  'storage.state': StorageStateEvent;
}
