import { forEachLine, RowCollector } from './rows.js';
import type { FlowParseLimits, FlowParseResult } from './types.js';

/** print_markers lines ({"event_type": "purge_init" | "purge_close", ...}): not data. */
const MARKERS = new Set(['purge_init', 'purge_close']);

/**
 * The JSON that pmacct's print plugin writes (print_output: json): one object per line, e.g.
 *   {"event_type": "purge", "ip_dst": "192.0.2.1", "port_dst": 443, "ip_proto": "tcp",
 *    "stamp_inserted": "...", "stamp_updated": "...", "packets": 300, "bytes": 420000}
 * The aggregate must include dst_host (the ip_dst key); rows of the same ip_dst (other
 * primitives in the aggregate: ports, protocols, time bins) are summed. "flows" is there when
 * the aggregate includes flows. Counters may be strings (pmacct's u64 note, CONFIG-KEYS print_output).
 * A line that is not a JSON object, or lacks ip_dst, is a bad row; a half-written last line too.
 */
export function parseNfacctdTalkers(text: string, limits: FlowParseLimits): FlowParseResult {
  const out = new RowCollector('nfacctd', limits);
  forEachLine(text, (raw, n) => {
    const line = raw.trim();
    if (line === '') return true;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      if (!out.room()) return false;
      out.bad({ line: n }, 'not a JSON object (a half-written line?)');
      return true;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      if (!out.room()) return false;
      out.bad({ line: n }, 'not a JSON object');
      return true;
    }
    const rec = o as Record<string, unknown>;
    if (typeof rec.event_type === 'string' && MARKERS.has(rec.event_type)) return true;
    if (!out.room()) return false;
    if (!('ip_dst' in rec)) {
      out.bad({ line: n }, 'no ip_dst (the print plugin aggregate must include dst_host)');
      return true;
    }
    const missing = ['bytes', 'packets'].filter((k) => rec[k] === undefined);
    if (missing.length) out.bad({ line: n }, `no ${missing.join(' and ')}`);
    else out.row({ line: n }, { address: rec.ip_dst, bytes: rec.bytes, packets: rec.packets, flows: rec.flows });
    return true;
  });
  return out.result();
}
