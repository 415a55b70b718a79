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

/**
 * Generic form of the same workaround for documents of any shape (alerts,
 * path changes with their verdict evidence): every array directly inside an
 * array becomes {__a: [...]}, at any depth. decodeDeep undoes it.
 */
export function encodeDeep(v: unknown, inArray = false): unknown {
  if (Array.isArray(v)) {
    const arr = v.map((x) => encodeDeep(x, true));
    return inArray ? { __a: arr } : arr;
  }
  if (v && typeof v === 'object' && !(v instanceof Date) && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeDeep(x);
    return out;
  }
  return v;
}

export function decodeDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeDeep);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '__a' && Array.isArray(o.__a)) return (o.__a as unknown[]).map(decodeDeep);
    if (o.constructor === Object || Object.getPrototypeOf(o) === null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = decodeDeep(x);
      return out;
    }
  }
  return v;
}
