/**
 * The data-plane model: one traceroute-like run of a real tool, hop by hop.
 * Parsers (pure) produce it from a tool's saved output; the runner adds the
 * target id, vantage and timing; the annotator adds ASNs from the live RIB.
 */

export type ProbeTool = 'traceroute' | 'mtr' | 'tcptraceroute' | 'scamper' | 'tracepath';
/** udp | icmp | tcp for traceroute/mtr; icmp-paris | udp-paris | tcp for scamper. */
export type ProbeMethod = 'udp' | 'icmp' | 'tcp' | 'icmp-paris' | 'udp-paris' | 'tcp-ack';

export interface ProbeReply {
  /** Responding address, null for a timeout ("*"). */
  ip: string | null;
  /** Round-trip time in ms, null for a timeout. */
  rttMs: number | null;
  /** Reverse-DNS name when the tool printed one. */
  name?: string;
  /** Traceroute annotations kept verbatim: "!H", "!N", "!X", "!P", "!<10>", "[closed]", ... */
  annotation?: string;
  /** IP TTL of the reply (scamper), useful for spotting asymmetric return paths. */
  replyTtl?: number;
  /**
   * Path MTU the tool learnt with this reply: tracepath's "pmtu N" (the replying router could not
   * forward a bigger packet: ICMP fragmentation needed / packet too big), scamper -M's "[mtu: N]".
   */
  pmtu?: number;
}

export interface MplsLabel {
  label: number;
  exp: number;
  s: boolean;
  ttl: number;
}

export interface RttStats {
  min: number;
  avg: number;
  max: number;
  /** Population standard deviation; 0 with a single sample. */
  stdev: number;
  /** Last sample (mtr's "Last"). */
  last?: number;
  median?: number;
}

export interface Hop {
  ttl: number;
  probes: ProbeReply[];
  /** Probes sent and replies received at this TTL (mtr: Snt and Snt*(1-Loss%)). */
  sent: number;
  received: number;
  /** Fraction 0..1 of probes without a reply. */
  loss: number;
  /** Present when at least one RTT sample exists. */
  rtt?: RttStats;
  mpls?: MplsLabel[];
  /** Other ICMP extension objects (RFC 4884/4950), as printed by the tool. */
  icmpExtensions?: string[];
  /** Set by the RIB annotator (longest-prefix match on the hop's main address). */
  asn?: number | null;
  prefix?: string | null;
}

export interface PathObservation {
  /** Set by storage. */
  id?: string;
  /** The configured/API target this run belongs to; absent for `smoketrace parse`. */
  targetId?: string;
  target: { name: string; address: string };
  tool: ProbeTool;
  method: ProbeMethod;
  /** Which SmokeTrace instance measured it. */
  vantage: string;
  /** ISO-8601 start time. */
  startedAt: string;
  durationMs: number;
  hops: Hop[];
  /** The destination answered. */
  reached: boolean;
  /** End-to-end RTT statistics (replies from the destination only), null when not reached. */
  rtt: RttStats | null;
  /** End-to-end loss fraction 0..1 (at the destination hop; 1 when not reached). */
  loss: number;
  pathMtu?: number | null;
  /**
   * Path signature ignoring timing: the hop addresses by TTL, e.g.
   * "10.0.0.1|10.0.1.1,10.0.1.2|*|192.0.2.1" (sorted addresses per TTL, "*" for no reply).
   */
  signature: string;
  status: 'ok' | 'failed';
  /** Why the run failed (tool missing, timeout, garbage output, ...). */
  error?: { code: string; message: string };
  labels?: Record<string, string>;
}
