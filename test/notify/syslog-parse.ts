/**
 * A receiver-side RFC 5424 parser, written from the RFC's ABNF (§6) for the
 * tests only: it checks what our formatter produced, independently of it.
 */
export interface Parsed5424 {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Array<{ id: string; params: Record<string, string> }>;
  /** MSG octets as received (BOM included when present). */
  msg: Buffer;
}

export function parse5424(buf: Buffer): Parsed5424 {
  let i = 0;
  const text = (from: number, to: number) => buf.subarray(from, to).toString('utf8');
  const token = (): string => {
    const sp = buf.indexOf(0x20, i);
    if (sp < 0) throw new Error(`no SP after offset ${i}`);
    const t = text(i, sp);
    i = sp + 1;
    return t;
  };
  const head = /^<(\d{1,3})>(\d{1,2})$/.exec(token());
  if (!head) throw new Error('bad PRI/VERSION');
  const [timestamp, hostname, appName, procId, msgId] = [token(), token(), token(), token(), token()];
  const sd: Parsed5424['sd'] = [];
  if (buf[i] === 0x2d /* - */) i++;
  else {
    while (buf[i] === 0x5b /* [ */) {
      i++;
      const idEnd = buf.findIndex((b, k) => k >= i && (b === 0x20 || b === 0x5d));
      const element = { id: text(i, idEnd), params: {} as Record<string, string> };
      i = idEnd;
      while (buf[i] === 0x20) {
        const eq = buf.indexOf(0x3d /* = */, i);
        const name = text(i + 1, eq);
        if (buf[eq + 1] !== 0x22) throw new Error('PARAM-VALUE must be quoted');
        const value: number[] = [];
        for (i = eq + 2; buf[i] !== 0x22; i++) {
          if (i >= buf.length) throw new Error('unterminated PARAM-VALUE');
          if (buf[i] === 0x5c /* \ */ && [0x22, 0x5c, 0x5d].includes(buf[i + 1]!)) i++;
          else if (buf[i] === 0x22 || buf[i] === 0x5d) throw new Error('unescaped " or ] in PARAM-VALUE');
          value.push(buf[i]!);
        }
        element.params[name] = Buffer.from(value).toString('utf8');
        i++; // closing quote
      }
      if (buf[i] !== 0x5d) throw new Error(`expected ] at ${i}`);
      i++;
      sd.push(element);
    }
  }
  let msg: Buffer = Buffer.alloc(0);
  if (i < buf.length) {
    if (buf[i] !== 0x20) throw new Error(`expected SP before MSG at ${i}`);
    msg = buf.subarray(i + 1);
  }
  return { pri: Number(head[1]), version: Number(head[2]), timestamp, hostname, appName, procId, msgId, sd, msg };
}

/** RFC 6587 §3.4.1: splits a TCP stream into octet-counted frames; checks every length. */
export function splitOctetCounted(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let i = 0;
  while (i < stream.length) {
    const sp = stream.indexOf(0x20, i);
    const lenText = stream.subarray(i, sp).toString('ascii');
    if (!/^[1-9]\d*$/.test(lenText)) throw new Error(`bad MSG-LEN ${JSON.stringify(lenText)} at ${i}`);
    const len = Number(lenText);
    if (sp + 1 + len > stream.length) throw new Error('truncated frame');
    frames.push(stream.subarray(sp + 1, sp + 1 + len));
    i = sp + 1 + len;
  }
  return frames;
}
