import type { FlowTalker } from '../core/events.js';

interface Totals {
  bytes: number;
  packets: number;
  flows: number | undefined;
  order: number;
}

const add = (a: number, b: number) => Math.min(a + b, Number.MAX_SAFE_INTEGER);

/**
 * Per-host totals of one import: rows for the same address are summed (nfacctd prints one row
 * per aggregate, e.g. per destination host and port). Bounded by maxHosts distinct addresses.
 */
export class TalkerTable {
  private readonly hosts = new Map<string, Totals>();
  droppedHosts = 0;

  constructor(private readonly maxHosts: number) {}

  get size(): number {
    return this.hosts.size;
  }

  /** False when the address is new and maxHosts are already tracked (the row is counted as dropped). */
  add(address: string, bytes: number, packets: number, flows: number | undefined): boolean {
    const t = this.hosts.get(address);
    if (t) {
      t.bytes = add(t.bytes, bytes);
      t.packets = add(t.packets, packets);
      if (flows !== undefined) t.flows = add(t.flows ?? 0, flows);
      return true;
    }
    if (this.hosts.size >= this.maxHosts) {
      this.droppedHosts++;
      return false;
    }
    this.hosts.set(address, { bytes, packets, flows, order: this.hosts.size });
    return true;
  }

  /** The n busiest: bytes descending, then packets descending, then the order first seen (a plain list keeps its order). */
  top(n: number): FlowTalker[] {
    return [...this.hosts.entries()]
      .sort(([, a], [, b]) => b.bytes - a.bytes || b.packets - a.packets || a.order - b.order)
      .slice(0, n)
      .map(([address, t]) => ({ address, bytes: t.bytes, packets: t.packets, ...(t.flows !== undefined ? { flows: t.flows } : {}) }));
  }
}
