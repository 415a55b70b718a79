import { open, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { FlowImportError, isFlowImportError } from './errors.js';
import type { FlowImporter } from './importer.js';
import type { FlowWatchConfig } from './config.js';
import { parseFlows } from './parse.js';
import type { FlowParseLimits } from './types.js';

export type PollOutcome = 'missing' | 'unchanged' | 'incomplete' | 'imported' | 'failed';

export interface FlowFilePollerDeps {
  watch: FlowWatchConfig;
  limits: FlowParseLimits & { maxBytes: number };
  importer: Pick<FlowImporter, 'publish'>;
  log: Logger;
}

interface FileVersion {
  key: string;
  size: number;
  mtimeMs: number;
}

async function version(path: string): Promise<FileVersion | null> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new FlowImportError('BAD_SHAPE', `${path} is not a regular file`);
    return { key: `${st.ino}:${st.size}:${st.mtimeMs}`, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Reads at most maxBytes (a larger file is refused whole, before reading it). */
async function readBounded(path: string, size: number, maxBytes: number): Promise<string> {
  if (size > maxBytes) throw new FlowImportError('TOO_LARGE', `${size} bytes is more than flows.maxFileBytes (${maxBytes})`);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, maxBytes));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * Watches one flow file, e.g. nfacctd's print_output_file, by polling: a file is read when its
 * inode, size or modification time changed, and imported as one snapshot (time = the file's
 * modification time). nfacctd rewrites the file in place, so a read that races a write is
 * caught: the file changed while read, or its last line is unfinished (no newline) -> wait for
 * the next poll (a file that stays without a final newline is taken as it is then).
 */
export class FlowFilePoller {
  readonly source: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PollOutcome> | null = null;
  private stopped = true;
  private seenKey: string | null = null;
  private pendingKey: string | null = null;
  private lastOutcome: PollOutcome | null = null;
  private lastError: string | null = null;
  private lastFileTime: string | null = null;
  private failures = 0;

  constructor(private readonly deps: FlowFilePollerDeps) {
    this.source = deps.watch.source ?? `${deps.watch.format}:${deps.watch.path}`;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce();
      void this.running.finally(() => this.schedule(this.deps.watch.pollIntervalSec * 1000));
    }, ms);
    this.timer.unref();
  }

  /** One check of the file; never throws (the outcome and the error are in status()). */
  async pollOnce(): Promise<PollOutcome> {
    const outcome = await this.check().catch((err: unknown) => this.fail(err));
    if (outcome !== this.lastOutcome && (outcome === 'missing' || outcome === 'imported')) {
      this.deps.log.debug({ source: this.source, outcome }, 'flow file checked');
    }
    this.lastOutcome = outcome;
    return outcome;
  }

  private async check(): Promise<PollOutcome> {
    const { watch, limits } = this.deps;
    const before = await version(watch.path);
    if (!before) {
      if (this.lastOutcome !== 'missing') this.deps.log.info({ source: this.source, path: watch.path }, 'flow file not there yet');
      return 'missing';
    }
    if (before.key === this.seenKey) return 'unchanged';
    if (before.size === 0) return 'incomplete';
    this.seenKey = before.key;
    const text = await readBounded(watch.path, before.size, limits.maxBytes);
    const after = await version(watch.path);
    // Line formats end with a newline when complete; a JSON document needs none (a cut one fails to parse).
    const unfinished = watch.format !== 'json' && !text.endsWith('\n') && this.pendingKey !== before.key;
    if (after?.key !== before.key || unfinished) {
      // Being written: look again next time (a file that stays as it is gets imported then).
      this.seenKey = null;
      this.pendingKey = after?.key === before.key ? before.key : null;
      return 'incomplete';
    }
    this.pendingKey = null;
    const result = parseFlows(text, watch.format, { ...limits, topN: watch.topN ?? limits.topN }, watch.path);
    await this.deps.importer.publish(this.source, result, new Date(before.mtimeMs));
    this.lastFileTime = new Date(before.mtimeMs).toISOString();
    this.lastError = null;
    return 'imported';
  }

  private fail(err: unknown): PollOutcome {
    this.failures++;
    const message = (err as Error).message;
    const code = isFlowImportError(err) ? err.code : ((err as NodeJS.ErrnoException).code ?? 'ERROR');
    // A refused file waits until it changes; an I/O error (permissions, a vanished file) is retried.
    if (!isFlowImportError(err)) this.seenKey = null;
    if (message !== this.lastError) this.deps.log.warn({ source: this.source, path: this.deps.watch.path, code, err: message }, 'flow file not imported');
    this.lastError = message;
    return 'failed';
  }

  status(): Record<string, unknown> {
    return {
      source: this.source,
      path: this.deps.watch.path,
      format: this.deps.watch.format,
      lastOutcome: this.lastOutcome,
      lastFileTime: this.lastFileTime,
      failures: this.failures,
      lastError: this.lastError,
    };
  }
}
