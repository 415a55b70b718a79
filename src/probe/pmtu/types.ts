/**
 * One path MTU measurement of a target: the largest packet (bytes, IP header
 * included) that reaches the destination without fragmentation, measured by
 * tracepath (iputils) or scamper's PMTUD (`trace -M`). Kept apart from the
 * PathObservation series: it runs on its own, slower schedule, with a tool
 * whose hop data (one probe per line, full-size packets) is not comparable
 * with the target's traceroutes.
 */
export type PmtuTool = 'tracepath' | 'scamper';

/** The router that could not forward the bigger packets (it sent ICMP "fragmentation needed" / "packet too big"). */
export interface PmtuLimit {
  /** TTL at which this router answers in the trace. */
  ttl: number;
  /** Its address; null when that hop did not answer (scamper infers the limit between hops). */
  ip: string | null;
  /** The MTU of its next link: the new path MTU from there on. */
  mtu: number;
  /** Origin AS of the address from the live RIB, when known. */
  asn?: number | null;
}

export interface PmtuMeasurement {
  /** Set by the prober (24 hex digits). */
  id?: string;
  targetId: string;
  target: { name: string; address: string };
  vantage: string;
  /** ISO-8601 start time. */
  measuredAt: string;
  durationMs: number;
  tool: PmtuTool;
  /** The path MTU in bytes; null when the destination did not answer or the run failed. */
  pathMtu: number | null;
  /** Where this run saw the MTU drop, when a router told it (a cached PMTU gives no such reply). */
  limit: PmtuLimit | null;
  reached: boolean;
  hopCount: number;
  status: 'ok' | 'failed';
  error?: { code: string; message: string };
}
