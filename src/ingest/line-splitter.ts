/**
 * Splits a byte stream into lines (LF, optional CR) with a bound on line length:
 * a longer line is skipped up to its newline and reported once, so one broken
 * line costs that line, not the feed.
 */
export class LineSplitter {
  private partial = '';
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (bytes: number) => void,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.partial = '';
        continue;
      }
      let line = this.partial ? this.partial + piece : piece;
      this.partial = '';
      // (charCodeAt rather than endsWith: several times cheaper per line in Node 20)
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line.length > this.maxLineBytes) {
        this.onOverlong(line.length);
        continue;
      }
      if (line.length) this.onLine(line);
    }
    if (start < chunk.length && !this.skipping) {
      this.partial += chunk.slice(start);
      if (this.partial.length > this.maxLineBytes) {
        this.onOverlong(this.partial.length);
        this.partial = '';
        this.skipping = true;
      }
    }
  }

  /** End of stream: a last line without newline still counts. */
  end(): void {
    if (this.partial && !this.skipping) this.onLine(this.partial.replace(/\r$/, ''));
    this.partial = '';
    this.skipping = false;
  }
}
