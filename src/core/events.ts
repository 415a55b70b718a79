import type { AnnounceEvent, AsPathElement, RouteEvent, WithdrawEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';
import type { PmtuMeasurement } from '../probe/pmtu/types.js';
import type { Alert } from '../correlate/alerts.js';
import type { PathChangeRecord, StoredAlert } from '../storage/repositories.js';

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

/** An announce or withdraw that changed the RIB, with the route as it was before (null when new). */
export interface RouteChange {
  event: AnnounceEvent | WithdrawEvent;
  change: 'new' | 'replace' | 'withdraw';
  previous: { asPath: AsPathElement[]; nextHop: string | null } | null;
}

/** One destination host seen in traffic (flow) data, with its volume over the import period. */
export interface FlowTalker {
  address: string;
  bytes: number;
  packets: number;
  flows?: number;
}

/**
 * The top destination hosts from one traffic source (a CSV/JSON list, nfacctd's JSON print
 * output, the API): a full snapshot each time, replacing that source's previous one.
 */
export interface FlowTalkers {
  /** Where it came from, e.g. "nfacctd:/var/lib/pmacct/top.json", "file:top.csv", "api". */
  source: string;
  /** ISO-8601 time of the snapshot. */
  time: string;
  /** Sorted by bytes, largest first. */
  talkers: FlowTalker[];
  /** Read back from storage at a start (not a new import): its age counts from `time`. */
  replayed?: boolean;
}

/**
 * The one typed map of everything modules say to each other. Later modules
 * extend it here, not with ad-hoc string channels.
 */
export interface SmokeTraceEvents {
  'route.event': RouteEvent;
  /** Only the announces and withdraws that changed the RIB (duplicates filtered), with the prior state. */
  'route.change': RouteChange;
  'probe.request': ProbeRequest;
  'observation': PathObservation;
  /** One path MTU measurement of a target (probing.pmtu), failed ones included. */
  'path.mtu': PmtuMeasurement;
  'storage.state': StorageStateEvent;
  /** An alert opened, updated or resolved (as stored). */
  alert: { action: 'open' | 'update' | 'resolve'; alert: StoredAlert };
  /** The alert state machine says: tell people now (after hold-down, outside repeat suppression). */
  'alert.notify': Alert;
  'path.change': PathChangeRecord;
  /** A new snapshot of top destination hosts from traffic data (src/flows); auto targets use it. */
  'flow.talkers': FlowTalkers;
}
