import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BmpFramer } from '../../bgp/bmp/framer.js';
import { DecodeError } from '../../bgp/errors.js';
import type { RouteEvent } from '../../bgp/types.js';
import type { Clock } from '../core/clock.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import { Allowlist, normalizeRemoteAddress } from './allowlist.js';

/**
 * What the station needs of a decoder: one per connection, fed whole BMP messages in place
 * (buf[start, end), starting at stream offset streamOffset), appending their events to `out`.
 */
export interface BmpDecoderSession {
  decodeInto(buf: Buffer, start: number, end: number, streamOffset: number, arrival: Date, out: RouteEvent[]): void;
}

export interface BmpStationConfig {
  host: string;
  port: number;
  allow: readonly string[];
  maxSessions: number;
  idleTimeoutSec: number;
  maxMessageBytes: number;
  record: boolean;
}

export interface BmpStationDeps {
  config: BmpStationConfig;
  /** Creates the decoder of one router connection. */
  decoder: (router: string) => BmpDecoderSession;
  /** Receives every decoded event, in stream order. Must not block. */
  sink: (events: RouteEvent[]) => void;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
  /** Where raw streams are recorded when config.record is on. */
  recordDir: string;
  /** A router's BMP session ended: what it told us is no longer maintained. */
  onSessionEnd?: (router: string) => void;
}

interface SessionState {
  id: number;
  router: string;
  remotePort: number;
  socket: Socket;
  framer: BmpFramer;
  decoder: BmpDecoderSession;
  since: string;
  lastMessageAt: string | null;
  bytes: number;
  messages: number;
  errors: number;
  recorder: WriteStream | null;
}

const COMPONENT = 'bmp';

/**
 * The BMP station (RFC 7854 section 3.2: the router connects to the station).
 * Sockets and back-pressure only: each connection gets its own framer and
 * decoder. A decode error costs one message; broken framing costs that
 * session; nothing costs the process. Everything rejected is counted.
 */
export class BmpStation implements Service {
  readonly name = 'bmp-station';
  private server: Server | null = null;
  private readonly sessions = new Map<number, SessionState>();
  private readonly allowlist: Allowlist;
  private nextId = 1;
  private totals = { connections: 0, refused: 0, messages: 0, bytes: 0, framingErrors: 0, decodeErrors: 0 };

  constructor(private readonly deps: BmpStationDeps) {
    this.allowlist = new Allowlist(deps.config.allow);
  }

  async start(): Promise<void> {
    const { host, port } = this.deps.config;
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = this.deps.config.maxSessions + 16; // refused ones are closed by accept()
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (err) => this.deps.log.error({ err }, 'bmp listener error'));
    this.deps.telemetry.registerHealth(COMPONENT, () => ({ status: 'up', details: this.status() }));
    this.deps.log.info({ address: this.address() }, 'bmp station listening');
  }

  address(): { host: string; port: number } {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: this.deps.config.host, port: this.deps.config.port };
  }

  async stop(): Promise<void> {
    this.deps.telemetry.unregisterHealth(COMPONENT);
    for (const s of this.sessions.values()) s.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  status(): Record<string, unknown> {
    return {
      listening: this.server?.listening ?? false,
      address: this.address(),
      totals: { ...this.totals },
      sessions: [...this.sessions.values()].map((s) => ({
        router: s.router,
        remotePort: s.remotePort,
        since: s.since,
        lastMessageAt: s.lastMessageAt,
        messages: s.messages,
        bytes: s.bytes,
        errors: s.errors,
        buffered: s.framer.bufferedBytes,
      })),
    };
  }

  private refuse(socket: Socket, router: string, reason: string): void {
    this.totals.refused++;
    this.deps.telemetry.rejected(COMPONENT, reason);
    this.deps.log.warn({ router, reason }, 'bmp connection refused');
    socket.destroy();
  }

  private accept(socket: Socket): void {
    const router = normalizeRemoteAddress(socket.remoteAddress);
    if (!this.allowlist.allows(router)) return this.refuse(socket, router, 'not_allowed');
    if (this.sessions.size >= this.deps.config.maxSessions) return this.refuse(socket, router, 'max_sessions');
    const s: SessionState = {
      id: this.nextId++,
      router,
      remotePort: socket.remotePort ?? 0,
      socket,
      framer: new BmpFramer({ maxMessageLength: this.deps.config.maxMessageBytes }),
      decoder: this.deps.decoder(router),
      since: this.deps.clock.now().toISOString(),
      lastMessageAt: null,
      bytes: 0,
      messages: 0,
      errors: 0,
      recorder: this.deps.config.record ? this.openRecorder(router) : null,
    };
    this.sessions.set(s.id, s);
    this.totals.connections++;
    this.deps.log.info({ router, remotePort: s.remotePort }, 'bmp session opened');
    if (this.deps.config.idleTimeoutSec > 0) socket.setTimeout(this.deps.config.idleTimeoutSec * 1000);
    socket.on('data', (chunk: Buffer) => this.onData(s, chunk));
    socket.on('timeout', () => {
      this.deps.telemetry.rejected(COMPONENT, 'idle_timeout');
      this.deps.log.warn({ router, idleTimeoutSec: this.deps.config.idleTimeoutSec }, 'bmp session idle: closing');
      socket.destroy();
    });
    socket.on('error', (err) => this.deps.log.warn({ router, err: err.message }, 'bmp socket error'));
    socket.on('close', () => this.onClose(s));
  }

  private openRecorder(router: string): WriteStream | null {
    try {
      mkdirSync(this.deps.recordDir, { recursive: true });
      const stamp = this.deps.clock.now().toISOString().replace(/[:.]/g, '-');
      const file = join(this.deps.recordDir, `${router.replace(/[^0-9A-Za-z.-]/g, '_')}-${stamp}.bmp`);
      const w = createWriteStream(file, { flags: 'a' });
      w.on('error', (err) => this.deps.log.error({ router, file, err: err.message }, 'bmp recording failed'));
      this.deps.log.info({ router, file }, 'recording bmp stream');
      return w;
    } catch (err) {
      this.deps.log.error({ router, err: (err as Error).message }, 'cannot open bmp recording');
      return null;
    }
  }

  private onData(s: SessionState, chunk: Buffer): void {
    s.bytes += chunk.length;
    this.totals.bytes += chunk.length;
    s.recorder?.write(chunk);
    let messages: number;
    try {
      messages = s.framer.frame(chunk);
    } catch (err) {
      return this.framingLost(s, err);
    }
    const framer = s.framer;
    const buf = framer.frameBuffer;
    const arrival = this.deps.clock.now();
    const batch: RouteEvent[] = [];
    for (let i = 0; i < messages; i++) {
      const start = framer.frameStarts[i]!;
      const from = batch.length;
      try {
        s.decoder.decodeInto(buf, start, framer.frameEnds[i]!, framer.frameBase + start, arrival, batch);
      } catch (err) {
        // The decoder should turn every problem into an error event; this is the last line of defence.
        batch.length = from;
        s.errors++;
        this.totals.decodeErrors++;
        this.deps.telemetry.rejected(COMPONENT, err instanceof DecodeError ? err.code : 'decoder_exception');
        this.deps.log.error({ router: s.router, offset: framer.frameBase + start, err: (err as Error).message }, 'bmp message could not be decoded');
        continue;
      }
      for (let k = from; k < batch.length; k++) {
        const e = batch[k]!;
        if (e.type === 'error') {
          s.errors++;
          this.totals.decodeErrors++;
          this.deps.telemetry.rejected(COMPONENT, e.code);
        }
      }
    }
    s.messages += messages;
    this.totals.messages += messages;
    if (messages) s.lastMessageAt = arrival.toISOString();
    if (batch.length) this.deps.sink(batch);
    // Framing may break after whole messages were handed out in this chunk.
    if (s.framer.error) this.framingLost(s, s.framer.error);
  }

  private framingLost(s: SessionState, err: unknown): void {
    const e = err instanceof DecodeError ? err : null;
    this.totals.framingErrors++;
    this.deps.telemetry.rejected(COMPONENT, e?.code ?? 'framing_error');
    this.deps.log.error(
      { router: s.router, code: e?.code, offset: e?.offset, err: (err as Error).message },
      'bmp framing lost: closing session',
    );
    s.socket.destroy();
  }

  private onClose(s: SessionState): void {
    if (!this.sessions.delete(s.id)) return;
    s.recorder?.end();
    // Bytes left after broken framing were already counted as that framing error.
    if (s.framer.bufferedBytes > 0 && !s.framer.error) {
      this.deps.telemetry.rejected(COMPONENT, 'truncated_message');
      this.deps.log.warn({ router: s.router, bytes: s.framer.bufferedBytes }, 'bmp session closed mid-message');
    }
    this.deps.log.info({ router: s.router, messages: s.messages, bytes: s.bytes }, 'bmp session closed');
    const stillConnected = [...this.sessions.values()].some((o) => o.router === s.router);
    if (!stillConnected) this.deps.onSessionEnd?.(s.router);
  }
}
