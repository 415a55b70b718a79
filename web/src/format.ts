/** Formatting shared by every page. Pure. */

export function ms(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 100) return `${Math.round(v)} ms`;
  // Sub-millisecond RTTs (LAN, loopback) keep three decimals instead of showing 0.0.
  return `${v.toFixed(v < 1 && v !== 0 ? 3 : digits)} ms`;
}

export function pct(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.01 ? 1 : 0)} %`;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour12: false });
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return iso;
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** [65001, [65002, 65003], 65004] → "65001 {65002,65003} 65004" (AS_SET in braces). */
export function asPath(p: ReadonlyArray<number | number[]> | null | undefined): string {
  if (!p) return '–';
  if (!p.length) return '(empty: local)';
  return p.map((x) => (Array.isArray(x) ? `{${x.join(',')}}` : String(x))).join(' ');
}

export function minutes(m: number): string {
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  return `${hours} h ${m % 60} min`;
}

/** Median of numbers (null when empty). */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}
