import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/ingest/line-splitter.js';

function split(chunks: string[], max = 20) {
  const lines: string[] = [];
  const overlong: number[] = [];
  const s = new LineSplitter(max, (l) => lines.push(l), (n) => overlong.push(n));
  for (const c of chunks) s.push(c);
  s.end();
  return { lines, overlong };
}

describe('LineSplitter', () => {
  it.each([
    ['one chunk', ['a\nb\n'], ['a', 'b']],
    ['split inside a line', ['ab', 'c\nd', 'e\n'], ['abc', 'de']],
    ['CRLF', ['a\r\nb\r\n'], ['a', 'b']],
    ['last line without newline', ['a\nb'], ['a', 'b']],
    ['empty lines skipped', ['\n\na\n\n'], ['a']],
  ])('%s', (_name, chunks, expected) => {
    expect(split(chunks).lines).toEqual(expected);
  });

  it('skips an overlong line, even one spread over chunks, and goes on', () => {
    const r = split(['ok\n', 'x'.repeat(15), 'x'.repeat(15), 'x'.repeat(5) + '\nnext\n']);
    expect(r.lines).toEqual(['ok', 'next']);
    expect(r.overlong).toHaveLength(1);
  });
});
