import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ControlFramingError, ControlReader, MAX_FRAME_BYTES, dataHeader, type ControlMessage } from '../../../src/probe/scamper/control.js';

// A real attach session with scamper 20211212 (test/fixtures/probe/scamper-attach/PROVENANCE.md).
const SERVER = readFileSync(new URL('../../fixtures/probe/scamper-attach/server.txt', import.meta.url));

const kinds = (ms: ControlMessage[]) => ms.map((m) => (m.kind === 'data' ? `data:${dataHeader(m.text)?.type}:${dataHeader(m.text)?.userid}` : m.kind === 'ok' ? `ok:${m.id ?? m.text}` : m.kind === 'err' ? `err:${m.text}` : m.kind));

const EXPECTED = [
  'ok:',
  'more',
  'data:cycle-start:null',
  'ok:1',
  'more',
  'data:trace:7',
  'ok:2',
  'more',
  'err:command not accepted',
  'ok:halted 2',
  'data:trace:8',
  'err:no task id-1',
  'ok:',
  'data:cycle-stop:null',
];

describe('ControlReader (scamper attach protocol)', () => {
  it('reads the recorded session in one chunk', () => {
    expect(kinds(new ControlReader().push(SERVER))).toEqual(EXPECTED);
  });

  it('gives the same messages whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 7, 64, 601]) {
      const r = new ControlReader();
      const out: ControlMessage[] = [];
      for (let i = 0; i < SERVER.length; i += size) out.push(...r.push(SERVER.subarray(i, i + size)));
      expect(kinds(out), `chunks of ${size}`).toEqual(EXPECTED);
    }
  });

  it('DATA lengths count bytes, not characters', () => {
    const body = Buffer.from('{"type":"trace","userid":3,"note":"é"}\n');
    const msgs = new ControlReader().push(Buffer.concat([Buffer.from(`DATA ${body.length}\n`), body, Buffer.from('MORE\n')]));
    expect(msgs.map((m) => m.kind)).toEqual(['data', 'more']);
    expect(dataHeader((msgs[0] as { text: string }).text)).toEqual({ type: 'trace', userid: 3 });
  });

  it.each([
    ['an oversized DATA block', `DATA ${MAX_FRAME_BYTES + 1}\n`],
    ['an endless line', 'x'.repeat(MAX_FRAME_BYTES + 1)],
  ])('refuses %s', (_what, input) => {
    expect(() => new ControlReader().push(Buffer.from(input))).toThrow(ControlFramingError);
  });

  it('keeps unknown lines apart', () => {
    expect(new ControlReader().push(Buffer.from('HELLO there\n'))).toEqual([{ kind: 'unknown', text: 'HELLO there' }]);
  });

  it.each([
    ['not JSON', '{nope', null],
    ['not an object', '3', null],
    ['no userid', '{"type":"cycle-start"}', { type: 'cycle-start', userid: null }],
  ])('dataHeader of %s', (_what, text, want) => {
    expect(dataHeader(text)).toEqual(want);
  });
});
