/**
 * Small checked accessors for untrusted JSON. Each throws ExabgpShapeError with the
 * path of the offending field, so a broken line becomes one coded error event.
 */

import { ExabgpShapeError } from './errors.js';

export type JsonObject = { [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function shapeError(where: string, expected: string): ExabgpShapeError {
  return new ExabgpShapeError('EXABGP_BAD_SHAPE', `${where}: expected ${expected}`);
}

export function objectAt(v: unknown, where: string): JsonObject {
  if (!isObject(v)) throw shapeError(where, 'an object');
  return v;
}

export function arrayAt(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw shapeError(where, 'an array');
  return v;
}

export function stringAt(v: unknown, where: string): string {
  if (typeof v !== 'string') throw shapeError(where, 'a string');
  return v;
}

/** A non-negative integer; decimal strings (long literals quoted by json.ts) are accepted. */
export function uintAt(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return Number(v);
  throw shapeError(where, 'a non-negative integer');
}

export function optionalUint(v: unknown, where: string): number | null {
  return v === undefined || v === null ? null : uintAt(v, where);
}

export function optionalString(v: unknown, where: string): string | null {
  return v === undefined || v === null ? null : stringAt(v, where);
}
