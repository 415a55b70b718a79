/**
 * The shapes /api/auto-targets answers with (shared with the web UI, so no runtime imports here).
 */
import type { AutoTargetMark } from '../storage/repositories.js';

/** What a refresh did, for logs, health and the API. */
export interface RefreshReport {
  at: string;
  /** Candidate prefixes per reason ("churn", "traffic", "origin-as", "community"). */
  candidates: Record<string, number>;
  chosen: number;
  added: string[];
  removed: string[];
  capped: number;
  unusable: number;
  probes: number;
  /** Why it did nothing, when it did nothing. */
  skipped?: 'marks-unavailable';
}

/** One automatic target as the API shows it. */
export interface AutoTargetView {
  id: string;
  prefix: string;
  host: string;
  /** "churn" | "traffic" | "origin-as" | "community": the reason whose turn chose it. */
  reason: string;
  reasons: string[];
  originAs: number | null;
  pinned: boolean;
  /** False when the prefix has left the RIB (only pinned targets stay then). */
  inRib: boolean;
  churn: number | null;
  trafficBytes: number | null;
  communities: string[];
}

/** GET /api/auto-targets */
export interface AutoTargetsResponse {
  enabled: boolean;
  targets: AutoTargetView[];
  excluded: AutoTargetMark[];
  lastRefresh: RefreshReport | null;
}

export type MarkAction = 'pin' | 'unpin' | 'exclude' | 'unexclude' | 'delete';
export type MarkResult = { ok: true; id: string; prefix: string } | { ok: false; status: 404 | 409 | 503; message: string };
