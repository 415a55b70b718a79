/**
 * ExaBGP prints the updates of a session from one template: between two updates of a neighbor
 * only "time", "counter" and the "message" object differ, e.g.
 *
 *   { "exabgp": "4.0.1", "time": 1795274239.65, "host" : "vm", "pid" : 27719, "ppid" : 1,
 *     "counter": 5, "type": "update", "neighbor": { "address": { ... }, "asn": { ... },
 *     "direction": "receive", "message": { "update": { ... } } } }
 *
 * A LineTemplate is that line cut in four pieces of fixed text around the three values. A line
 * made of the same four pieces needs only its message parsed (about 60 % of the line's JSON.parse
 * cost on a typical update) and its neighbor is known already.
 *
 * Exactness. A template is learned from a line the ordinary path has parsed, and only after
 * JSON.parse of the pieces joined around three sentinel values (time 1, counter 2, message
 * {"x": 3}) has shown that each slot is the value of exactly that key: a repeated key, a key
 * met inside a string, a slot that is not a value position, all fail that check. JSON is
 * compositional, so a line `head T mid C neck M tail` with T and C valid numbers and M a JSON
 * value parses to the template's object with those three values in place. The slot texts are
 * read with maximal munch and the pieces after them start with neither a digit nor a sign, so
 * a number cannot run into the next piece.
 */

import type { JsonObject } from './shape.js';
import { isObject } from './shape.js';

export interface LineTemplate {
  /** Text before the "time" value, e.g. `{ "exabgp": "4.0.1", "time": `. */
  readonly head: string;
  /** Between the "time" and the "counter" values. */
  readonly mid: string;
  /** Between the "counter" and the "message" values. */
  readonly neck: string;
  /** After the "message" value: the closing braces of neighbor and line. */
  readonly tail: string;
  /** The line's parse tree with the sentinel values: "exabgp", "type" and the neighbor's fields. */
  readonly sample: JsonObject;
  /**
   * The fixed text names "extended-community" or "aigp": the message alone then cannot tell
   * whether the line names them once (json.ts exactValueOfKey), so such lines holding 64-bit
   * values are left to the ordinary path.
   */
  readonly mentionsExactKeys: boolean;
}

/** The three values of a line that fits a template. */
export interface TemplateSlots {
  time: number;
  /** The message's JSON text (parse it with JSON.parse). */
  messageText: string;
}

/** Templates kept: one per (ExaBGP process, neighbor, direction) in practice. */
const MAX_TEMPLATES = 64;

/** `{ "exabgp": "...", "time": ` at the start of a line. */
const HEAD = /^\{[ \t\r\n]*"exabgp"[ \t\r\n]*:[ \t\r\n]*"[^"\\\u0000-\u001f]*"[ \t\r\n]*,[ \t\r\n]*"time"[ \t\r\n]*:[ \t\r\n]*/;
/** `"counter": ` (its value follows). */
const COUNTER = /"counter"[ \t\r\n]*:[ \t\r\n]*/g;
/** `"message": ` (its value follows). */
const MESSAGE = /"message"[ \t\r\n]*:[ \t\r\n]*/g;
/** The closing braces of neighbor and line. */
const TAIL = /[ \t\r\n]*\}[ \t\r\n]*\}[ \t\r\n]*$/;

export class LineTemplates {
  private readonly list: LineTemplate[] = [];

  get size(): number {
    return this.list.length;
  }

  /**
   * The template the line fits (moved to the front: a feed's lines mostly come from the
   * neighbor of the line before) and its slot values, or null.
   */
  match(line: string): { template: LineTemplate; slots: TemplateSlots } | null {
    const list = this.list;
    for (let k = 0; k < list.length; k++) {
      const t = list[k]!;
      const slots = fit(t, line);
      if (slots === null) continue;
      if (k > 0) {
        list.splice(k, 1);
        list.unshift(t);
      }
      return { template: t, slots };
    }
    return null;
  }

  /**
   * Learns the template of a line the ordinary path parsed as an update (`parsed` is its
   * JSON.parse). Returns the template, or null when the line does not cut cleanly.
   */
  learn(line: string, parsed: JsonObject): LineTemplate | null {
    const t = cut(line, parsed);
    if (t === null) return null;
    for (const known of this.list) if (same(known, t)) return known;
    if (this.list.length >= MAX_TEMPLATES) this.list.pop();
    this.list.unshift(t);
    return t;
  }
}

function same(a: LineTemplate, b: LineTemplate): boolean {
  return a.head === b.head && a.mid === b.mid && a.neck === b.neck && a.tail === b.tail;
}

/**
 * `piece` stands in `line` at `at`. (A substring compared whole: in Node 20 this is several
 * times cheaper than startsWith/endsWith, which showed as a quarter of the parse time.)
 */
function hasAt(line: string, piece: string, at: number): boolean {
  return line.substring(at, at + piece.length) === piece;
}

function fit(t: LineTemplate, line: string): TemplateSlots | null {
  if (!hasAt(line, t.head, 0)) return null;
  const timeStart = t.head.length;
  const timeEnd = numberEnd(line, timeStart);
  if (timeEnd < 0 || !hasAt(line, t.mid, timeEnd)) return null;
  const counterStart = timeEnd + t.mid.length;
  const counterEnd = numberEnd(line, counterStart);
  if (counterEnd < 0 || !hasAt(line, t.neck, counterEnd)) return null;
  const messageStart = counterEnd + t.neck.length;
  const messageEnd = line.length - t.tail.length;
  if (messageEnd <= messageStart || !hasAt(line, t.tail, messageEnd)) return null;
  return { time: Number(line.slice(timeStart, timeEnd)), messageText: line.slice(messageStart, messageEnd) };
}

function cut(line: string, parsed: JsonObject): LineTemplate | null {
  const head = HEAD.exec(line);
  if (head === null) return null;
  const timeStart = head[0].length;
  const timeEnd = numberEnd(line, timeStart);
  if (timeEnd < 0) return null;
  const counterStart = valueAfter(COUNTER, line, timeEnd);
  if (counterStart < 0) return null;
  const counterEnd = numberEnd(line, counterStart);
  if (counterEnd < 0) return null;
  const messageStart = valueAfter(MESSAGE, line, counterEnd);
  if (messageStart < 0) return null;
  const tail = TAIL.exec(line);
  if (tail === null || tail.index <= messageStart) return null;
  const t = {
    head: head[0],
    mid: line.slice(timeEnd, counterStart),
    neck: line.slice(counterEnd, messageStart),
    tail: tail[0],
  };
  // A number cannot run into the piece after it (see the header).
  if (!startsApart(t.mid) || !startsApart(t.neck)) return null;
  let sample: unknown;
  try {
    sample = JSON.parse(`${t.head}1${t.mid}2${t.neck}{"x":3}${t.tail}`);
  } catch {
    return null;
  }
  if (!isObject(sample) || sample['time'] !== 1 || sample['counter'] !== 2) return null;
  const neighbor = sample['neighbor'];
  if (!isObject(neighbor)) return null;
  const m = neighbor['message'];
  if (!isObject(m) || m['x'] !== 3 || Object.keys(m).length !== 1) return null;
  // The line itself has those pieces' meaning: same version, type and neighbor.
  if (sample['exabgp'] !== parsed['exabgp'] || sample['type'] !== parsed['type']) return null;
  const fixed = t.head + t.mid + t.neck + t.tail;
  const mentionsExactKeys = fixed.includes('"extended-community"') || fixed.includes('"aigp"');
  return { ...t, sample, mentionsExactKeys };
}

/** Where the value of the first `key` (a global `"key": ` regex) at or after `from` starts, or -1. */
function valueAfter(key: RegExp, line: string, from: number): number {
  key.lastIndex = from;
  const m = key.exec(line);
  return m === null ? -1 : m.index + m[0].length;
}

/** The first piece after a number must not continue it: whitespace or a comma. */
function startsApart(piece: string): boolean {
  const c = piece.charCodeAt(0);
  return c === 44 || c === 32 || c === 9 || c === 10 || c === 13;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The end of the JSON number (RFC 8259 6) starting at i, or -1 when none starts there. */
export function numberEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45 /* - */) i++;
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) i++;
  else if (first >= 49 && first <= 57) while (isDigit(s.charCodeAt(i))) i++;
  else return -1;
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    if (!isDigit(s.charCodeAt(i))) return -1;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  if ((s.charCodeAt(i) | 0x20) === 101 /* e */) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    if (!isDigit(s.charCodeAt(i))) return -1;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  return i;
}
