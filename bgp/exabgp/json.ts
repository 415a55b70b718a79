/**
 * JSON.parse that keeps integers above 2^53 exact.
 *
 * ExaBGP prints extended communities as 64-bit integers (e.g. 9225060886715039745,
 * a flow-spec traffic-rate). JSON.parse turns such literals into doubles and loses
 * the low bits, and Node 20 has no source-text access in revivers. So, before
 * parsing, integer literals of 16 digits or more that stand outside strings are
 * wrapped in quotes: they reach the caller as decimal strings, which
 * `toBigIntValue` understands.
 *
 * The scan is targeted: ExaBGP prints 64-bit integers only in "extended-community" (and in
 * "aigp", RFC 7311, which we keep as a code). Lines without those keys (nearly all) go
 * straight to JSON.parse after two indexOf calls, which are much cheaper than a regex.
 */

const LONG_DIGIT_RUN = /\d{16}/;

function mayHoldLongIntegers(text: string): boolean {
  return (text.indexOf('"extended-community"') >= 0 || text.indexOf('"aigp"') >= 0) && LONG_DIGIT_RUN.test(text);
}
/** Every 64-bit value has at most 20 digits; 2^53 has 16. */
const MIN_QUOTED_DIGITS = 16;

export function parseJsonKeepingBigInts(text: string): unknown {
  return parseJson(mayHoldLongIntegers(text) ? quoteLongIntegers(text) : text);
}

/**
 * True when v (a parsed JSON value) holds a number JSON.parse may have rounded: an integer
 * beyond 2^53. The ExaBGP parser parses a line as it is, checks the few places where 64-bit
 * values appear with this, and only then parses it again through quoteLongIntegers (cheaper
 * than scanning every line's text first).
 */
export function holdsInexactNumbers(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isSafeInteger(v) && Number.isInteger(v);
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (const e of v) if (holdsInexactNumbers(e)) return true;
    return false;
  }
  for (const k in v) if (holdsInexactNumbers((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** JSON.parse, with one retry escaping raw control characters inside strings. */
export function parseJson(quoted: string): unknown {
  try {
    return JSON.parse(quoted);
  } catch (e) {
    // ExaBGP 4.x copies raw NOTIFICATION data bytes into "reason" strings (seen in real logs):
    // escape such control characters and try once more before calling the line broken.
    if (!CONTROL_CHARS.test(quoted)) throw e;
    return JSON.parse(quoted.replace(CONTROL_CHARS_ALL, escapeControl));
  }
}

/** Control characters JSON forbids in strings (tab, LF and CR are left: they are valid whitespace). */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const CONTROL_CHARS_ALL = new RegExp(CONTROL_CHARS.source, 'g');

function escapeControl(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const DOT = 46;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function skipDigits(text: string, i: number): number {
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The value of the object key `key` in the JSON text, parsed with its long integers quoted
 * (exact), or undefined when the key is not met exactly once as a key in the text (then the
 * caller parses the whole text again). Used for the few lines holding 64-bit extended
 * communities: re-parsing the one attribute is much cheaper than quoting and parsing the line.
 * The caller checks the result against the first parse (see sameButExact).
 */
export function exactValueOfKey(text: string, key: string): unknown {
  const needle = `"${key}"`;
  const at = text.indexOf(needle);
  if (at < 0 || text.indexOf(needle, at + needle.length) >= 0) return undefined;
  // A key follows '{' or ',' (a quote after those is a string's start, never its inside).
  let b = at - 1;
  while (b >= 0 && isSpace(text.charCodeAt(b))) b--;
  const before = text.charCodeAt(b);
  if (before !== 123 /* { */ && before !== 44 /* , */) return undefined;
  let i = at + needle.length;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 58 /* : */) return undefined;
  const start = i + 1;
  // The value ends at the first ',', '}' or ']' outside strings at depth 0.
  let depth = 0;
  for (i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i + 1) - 1;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (depth === 0) break;
      depth--;
    } else if (c === 44 /* , */ && depth === 0) {
      break;
    }
  }
  try {
    return parseJson(quoteLongIntegers(text.slice(start, i)));
  } catch {
    return undefined;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * True when `exact` (parsed with long integers quoted) is `rounded` (parsed plainly) but for
 * integers JSON.parse rounded: the same structure, strings and numbers.
 */
export function sameButExact(exact: unknown, rounded: unknown): boolean {
  if (typeof rounded === 'number') {
    if (typeof exact === 'number') return exact === rounded;
    return typeof exact === 'string' && /^-?\d{16,}$/.test(exact) && Number(exact) === rounded;
  }
  if (typeof rounded !== 'object' || rounded === null) return exact === rounded;
  if (typeof exact !== 'object' || exact === null || Array.isArray(exact) !== Array.isArray(rounded)) return false;
  if (Array.isArray(rounded)) {
    const e = exact as unknown[];
    if (e.length !== rounded.length) return false;
    for (let k = 0; k < rounded.length; k++) if (!sameButExact(e[k], rounded[k])) return false;
    return true;
  }
  const e = exact as Record<string, unknown>;
  const r = rounded as Record<string, unknown>;
  let n = 0;
  for (const k in r) {
    if (!Object.hasOwn(e, k) || !sameButExact(e[k], r[k])) return false;
    n++;
  }
  return Object.keys(e).length === n;
}

/** Wraps long integer literals found outside JSON strings in double quotes. */
export function quoteLongIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i + 1);
      continue;
    }
    if (!isDigit(c) && c !== MINUS) {
      i++;
      continue;
    }
    const start = i;
    const intEnd = skipDigits(text, c === MINUS ? i + 1 : i);
    let end = intEnd;
    let isInteger = true;
    if (text.charCodeAt(end) === DOT) {
      isInteger = false;
      end = skipDigits(text, end + 1);
    }
    const e = text.charCodeAt(end) | 0x20;
    if (e === 0x65 /* e */) {
      isInteger = false;
      const sign = text.charCodeAt(end + 1);
      end = skipDigits(text, sign === 43 || sign === MINUS ? end + 2 : end + 1);
    }
    const digits = intEnd - start - (c === MINUS ? 1 : 0);
    if (isInteger && digits >= MIN_QUOTED_DIGITS) {
      out += text.slice(copiedUpTo, start) + '"' + text.slice(start, end) + '"';
      copiedUpTo = end;
    }
    i = end > start ? end : start + 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** Index just after the closing quote of a string whose body starts at i. */
function skipString(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

/** A JSON number or a decimal string (as produced above) as an exact bigint; null otherwise. */
export function toBigIntValue(v: unknown): bigint | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  return null;
}
