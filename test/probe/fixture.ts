import { expect } from 'vitest';
import { ParseError } from '../../src/probe/parsers/errors.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../fixtures/probe/', import.meta.url));

/** Text of a fixture under test/fixtures/probe/. */
export function fixture(rel: string): string {
  return readFileSync(ROOT + rel, 'utf8');
}

export function fixtureJson<T = unknown>(rel: string): T {
  return JSON.parse(fixture(rel)) as T;
}

export const LAB_SHORT = ['10.99.1.1', '10.99.12.2', '10.99.100.10'];
export const LAB_LONG = ['10.99.1.1', '10.99.13.3', '10.99.34.4', '10.99.24.2', '10.99.100.10'];
export const LAB6_SHORT = ['2001:db8:1::1', '2001:db8:12::2', '2001:db8:100::10'];
export const LAB6_LONG = ['2001:db8:1::1', '2001:db8:13::3', '2001:db8:34::4', '2001:db8:24::2', '2001:db8:100::10'];

/** fn must throw a ParseError with this code (and line, when given). */
export function expectParseError(fn: () => unknown, code: string, line?: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ParseError);
  expect((caught as ParseError).code).toBe(code);
  if (line !== undefined) expect((caught as ParseError).line).toBe(line);
}
