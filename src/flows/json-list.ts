import { FlowImportError } from './errors.js';
import { RowCollector, type RowValues } from './rows.js';
import type { FlowParseLimits, FlowParseResult } from './types.js';
import { ADDRESS_COLUMNS } from './csv.js';

/** An item of a JSON list: "192.0.2.1", or an object with an address key (address, ip, dst_host, ip_dst ...), bytes, packets, flows. */
export function jsonItemValues(item: unknown): RowValues | string {
  if (typeof item === 'string') return { address: item, bytes: undefined, packets: undefined, flows: undefined };
  if (!item || typeof item !== 'object' || Array.isArray(item)) return 'not an object or an address string';
  const o = item as Record<string, unknown>;
  const key = ADDRESS_COLUMNS.find((k) => k in o);
  return { address: key ? o[key] : undefined, bytes: o.bytes, packets: o.packets, flows: o.flows };
}

/** Adds each item of a JSON list to the collector (1-based item numbers), up to maxRows. */
export function collectJsonItems(items: readonly unknown[], out: RowCollector): void {
  for (let i = 0; i < items.length; i++) {
    if (!out.room()) return;
    const v = jsonItemValues(items[i]);
    if (typeof v === 'string') out.bad({ item: i + 1 }, v);
    else out.row({ item: i + 1 }, v);
  }
}

/**
 * A JSON list of destination hosts: an array of items, or {"talkers": [...]} (the shape of a
 * FlowTalkers snapshot, so GET /api/flows output can be fed back). Items: see jsonItemValues.
 */
export function parseJsonTalkers(text: string, limits: FlowParseLimits): FlowParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new FlowImportError('BAD_JSON', `not JSON: ${(err as Error).message}`);
  }
  const items = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { talkers?: unknown }).talkers) ? (doc as { talkers: unknown[] }).talkers : null;
  if (!items) throw new FlowImportError('BAD_SHAPE', 'expected a JSON array of talkers or an object with a "talkers" array');
  const out = new RowCollector('json', limits);
  collectJsonItems(items, out);
  return out.result();
}
