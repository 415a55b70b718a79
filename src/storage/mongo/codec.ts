import type { AsPathElement } from '../../../bgp/types.js';

/**
 * Storage encodings. FerretDB 1.x refuses nested arrays, and an AS_SET is a
 * nested array in the RouteEvent model ([65001, [65003, 65004]]), so AS paths
 * are stored with each AS_SET as an object: [65001, {set: [65003, 65004]}].
 */
export type StoredAsPath = Array<number | { set: number[] }>;

export function encodeAsPath(path: AsPathElement[]): StoredAsPath {
  return path.map((e) => (Array.isArray(e) ? { set: e } : e));
}

export function decodeAsPath(path: StoredAsPath): AsPathElement[] {
  return path.map((e) => (typeof e === 'number' ? e : e.set));
}

const AS_PATH_FIELDS = ['asPath', 'confedPath', 'previousAsPath'] as const;

/** Applies `fn` to every AS-path field present on a document (shallow). */
function mapAsPaths<T extends Record<string, unknown>>(doc: T, fn: (p: never) => unknown): T {
  let out: Record<string, unknown> | null = null;
  for (const f of AS_PATH_FIELDS) {
    const v = doc[f];
    if (Array.isArray(v)) {
      out ??= { ...doc };
      out[f] = fn(v as never);
    }
  }
  return (out ?? doc) as T;
}

export function encodeRouteDoc<T extends Record<string, unknown>>(doc: T): T {
  return mapAsPaths(doc, encodeAsPath);
}

export function decodeRouteDoc<T extends Record<string, unknown>>(doc: T): T {
  return mapAsPaths(doc, decodeAsPath);
}
