/**
 * scamper's control-socket attach protocol (scamper(1), sections CONTROL
 * SOCKET and ATTACH MODE; checked by hand against Debian scamper 20211212):
 *
 *   client: attach format json        scamper: OK
 *   client: trace -U 7 ... 127.0.0.1  scamper: OK id-1        (or ERR ...)
 *   client: halt 1                    scamper: OK halted 1    (or ERR no task id-1)
 *                                     scamper: MORE           (room for more commands)
 *                                     scamper: DATA 600\n<600 bytes: one JSON object + \n>
 *
 * OK/ERR answer the client's lines one for one, in order. DATA results come
 * in completion order and do not name the command: the trace's "userid"
 * (trace -U) is what ties a result to its request. A "cycle-start" and a
 * "cycle-stop" object frame the session.
 *
 * Pure: a byte-stream framer with no I/O. The DATA length counts bytes.
 */

export type ControlMessage =
  | { kind: 'ok'; /** The N of "OK id-N" (command accepted); null for a bare "OK" or "OK halted N". */ id: number | null; text: string }
  | { kind: 'err'; text: string }
  | { kind: 'more' }
  | { kind: 'data'; text: string }
  | { kind: 'unknown'; text: string };

/** Longest line (or DATA block) accepted before the stream is declared broken. */
export const MAX_FRAME_BYTES = 4_000_000;

export class ControlFramingError extends Error {
  override readonly name = 'ControlFramingError';
}

export class ControlReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes of DATA still expected; 0 when reading a line. */
  private dataLeft = 0;

  /** Feeds a chunk; returns every message it completed. Throws ControlFramingError on an oversized frame. */
  push(chunk: Buffer): ControlMessage[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: ControlMessage[] = [];
    for (;;) {
      if (this.dataLeft > 0) {
        if (this.buf.length < this.dataLeft) break;
        const text = this.buf.subarray(0, this.dataLeft).toString('utf8');
        this.buf = this.buf.subarray(this.dataLeft);
        this.dataLeft = 0;
        out.push({ kind: 'data', text });
        continue;
      }
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) break;
      const line = this.buf.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      this.buf = this.buf.subarray(nl + 1);
      const msg = parseLine(line);
      if (msg.kind === 'data-header') {
        if (msg.length > MAX_FRAME_BYTES) throw new ControlFramingError(`DATA block of ${msg.length} bytes is too long`);
        if (msg.length > 0) this.dataLeft = msg.length;
        continue;
      }
      out.push(msg);
    }
    if (this.dataLeft === 0 && this.buf.length > MAX_FRAME_BYTES) throw new ControlFramingError('control line too long');
    return out;
  }
}

function parseLine(line: string): ControlMessage | { kind: 'data-header'; length: number } {
  if (line === 'MORE') return { kind: 'more' };
  const data = /^DATA (\d+)$/.exec(line);
  if (data) return { kind: 'data-header', length: Number(data[1]) };
  if (line === 'OK' || line.startsWith('OK ')) {
    const id = /^OK id-(\d+)$/.exec(line);
    return { kind: 'ok', id: id ? Number(id[1]) : null, text: line.slice(2).trim() };
  }
  if (line === 'ERR' || line.startsWith('ERR ')) return { kind: 'err', text: line.slice(3).trim() };
  return { kind: 'unknown', text: line };
}

/** The type and userid of one DATA object, without the caller parsing it twice for routing. */
export function dataHeader(text: string): { type: string; userid: number | null } | null {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof obj !== 'object' || obj === null) return null;
  const o = obj as Record<string, unknown>;
  return { type: typeof o.type === 'string' ? o.type : '', userid: typeof o.userid === 'number' ? o.userid : null };
}
