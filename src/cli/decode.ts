import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { BmpFramer } from '../../bgp/bmp/framer.js';
import { BmpSession } from '../../bgp/bmp-normalize.js';
import { DecodeError } from '../../bgp/errors.js';
import { ExabgpParser } from '../../bgp/exabgp/parser.js';
import type { ErrorEvent, RouteEvent } from '../../bgp/types.js';
import { LineSplitter } from '../ingest/line-splitter.js';

type Out = (e: RouteEvent) => void;

function input(file: string): Readable {
  return file === '-' ? process.stdin : createReadStream(file);
}

function framingError(e: unknown, router: string, offset: number): ErrorEvent {
  const d = e instanceof DecodeError ? e : null;
  return {
    type: 'error',
    source: 'bmp',
    time: new Date().toISOString(),
    router,
    code: d?.code ?? 'BMP_FRAMING',
    offset: d?.offset ?? offset,
    message: (e as Error).message,
    severity: 'session-reset',
  };
}

/** Streams a raw BMP byte stream through the same framer and decoder as the station. */
export async function decodeBmp(src: Readable, router: string, out: Out): Promise<void> {
  const framer = new BmpFramer();
  const session = new BmpSession(router);
  for await (const chunk of src as AsyncIterable<Buffer>) {
    let messages: Buffer[];
    try {
      messages = framer.push(chunk);
    } catch (e) {
      out(framingError(e, router, framer.streamOffset));
      return;
    }
    const offsets = framer.lastOffsets;
    const now = new Date();
    for (let i = 0; i < messages.length; i++) for (const ev of session.decode(messages[i]!, offsets[i]!, now)) out(ev);
    if (framer.error) {
      out(framingError(framer.error, router, framer.streamOffset));
      return;
    }
  }
  try {
    framer.end();
  } catch (e) {
    out(framingError(e, router, framer.streamOffset));
  }
}

/** ExaBGP JSON lines → the same NDJSON events. */
export async function decodeExabgp(src: Readable, router: string, out: Out): Promise<void> {
  const parser = new ExabgpParser(router);
  let lineNo = 0;
  const splitter = new LineSplitter(
    1 << 20,
    (line) => {
      lineNo++;
      for (const ev of parser.parseLine(line, lineNo, new Date())) out(ev);
    },
    () => {
      lineNo++;
      out({ type: 'error', source: 'exabgp', time: new Date().toISOString(), router, code: 'EXABGP_LINE_TOO_LONG', offset: lineNo, message: 'line longer than 1 MiB', severity: 'message-skip' });
    },
  );
  src.setEncoding('utf8');
  for await (const chunk of src as AsyncIterable<string>) splitter.push(chunk);
  splitter.end();
}

/** `smoketrace decode bmp|exabgp FILE`: NDJSON on stdout, one event per line; errors are events too. */
export async function decodeCommand(kind: string, file: string, opts: { router?: string }): Promise<void> {
  const router = opts.router ?? (file === '-' ? 'stdin' : basename(file));
  let errors = 0;
  const lines: string[] = [];
  const flush = () => {
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    lines.length = 0;
  };
  const out: Out = (e) => {
    if (e.type === 'error') errors++;
    lines.push(JSON.stringify(e));
    if (lines.length >= 512) flush();
  };
  if (kind === 'bmp') await decodeBmp(input(file), router, out);
  else if (kind === 'exabgp') await decodeExabgp(input(file), router, out);
  else throw new Error(`unknown feed kind "${kind}" (bmp or exabgp)`);
  flush();
  if (errors) process.stderr.write(`${errors} decode error(s): see the "error" lines\n`);
}
