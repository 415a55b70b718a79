import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';

export interface BridgeTarget {
  tcp?: { host: string; port: number };
  unix?: string;
}

/** "tcp://127.0.0.1:11020", "127.0.0.1:11020", "[::1]:11020" or "unix:/run/smoketrace/exabgp.sock". */
export function parseBridgeTarget(s: string): BridgeTarget {
  if (s.startsWith('unix:')) return { unix: s.slice(5).replace(/^\/\//, '') };
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(s);
  if (!m) throw new Error(`not a bridge target: ${s} (expected tcp://HOST:PORT or unix:/PATH)`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`port out of range in ${s}`);
  return { tcp: { host: m[1]!.replace(/^\[|\]$/g, ''), port } };
}

export interface BridgeOptions {
  target: BridgeTarget;
  /** Lines held while the daemon is away; past that the oldest are dropped and counted. */
  maxBufferedLines: number;
  maxLineBytes: number;
  input: Readable;
  /** Diagnostics (stderr, which ExaBGP logs); never stdout, which ExaBGP reads as API commands. */
  report: (message: string) => void;
  /** How long to keep trying to deliver what is held after the input ends. */
  drainMs: number;
  /**
   * Writes one API command to ExaBGP (its process's stdout). When set, each reconnection after
   * the daemon was lost asks ExaBGP to send a route refresh (RFC 2918) to every established peer
   * for each of `refreshFamilies`: the restarted daemon's RIB is empty, and the peers then send
   * their routes again over the sessions the bridge kept up. Nothing else is ever written.
   */
  command?: (line: string) => void;
  /** Families refreshed on reconnection (ExaBGP's names), default IPv4 and IPv6 unicast. */
  refreshFamilies?: readonly string[];
  /** At most one refresh per this interval (a flapping connection defers it), default 60 s. */
  refreshIntervalMs?: number;
}

/** ExaBGP's answers to API commands ("done", "error"; with api.ack on): not JSON, never forwarded. */
const ACKS = new Set(['done', 'error']);

export interface BridgeStats {
  received: number;
  forwarded: number;
  dropped: number;
  overlong: number;
  connects: number;
  /** Route refreshes asked of ExaBGP (one per reconnection, all families). */
  refreshes: number;
  /** ExaBGP's command answers read and not forwarded. */
  acks: number;
}

/**
 * `smoketrace exabgp-bridge`: ExaBGP's api process. Reads ExaBGP's JSON lines
 * on stdin and forwards them to the daemon's feed socket; keeps reading (so
 * ExaBGP's session stays up) while the daemon restarts, holding a bounded
 * buffer, reconnecting with backoff, and counting what it had to drop. Once the
 * daemon is back it asks ExaBGP for a route refresh (see BridgeOptions.command).
 */
export class ExabgpBridge {
  readonly stats: BridgeStats = { received: 0, forwarded: 0, dropped: 0, overlong: 0, connects: 0, refreshes: 0, acks: 0 };
  private queue: string[] = [];
  private head = 0;
  private socket: Socket | null = null;
  private connected = false;
  private backoff = 200;
  private retryTimer: NodeJS.Timeout | null = null;
  private inputEnded = false;
  private stopped = false;
  private lastDropReport = 0;
  private finish: (() => void) | null = null;
  private lastRefresh = -Infinity;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: BridgeOptions) {}

  /** Resolves when stdin has ended and the buffer is delivered (or drainMs passed). */
  run(): Promise<BridgeStats> {
    const splitter = new LineSplitter(
      this.o.maxLineBytes,
      (line) => this.enqueue(line),
      () => {
        this.stats.overlong++;
      },
    );
    this.o.input.setEncoding('utf8');
    this.o.input.on('data', (chunk: string) => splitter.push(chunk));
    const done = new Promise<BridgeStats>((resolve) => {
      this.finish = () => resolve(this.stats);
    });
    const onEnd = () => {
      if (this.inputEnded) return;
      splitter.end();
      this.inputEnded = true;
      this.pump();
      const t = setTimeout(() => this.close(), this.o.drainMs);
      t.unref();
      if (this.depth() === 0) this.close();
    };
    this.o.input.on('end', onEnd);
    this.o.input.on('close', onEnd);
    this.connect();
    return done;
  }

  depth(): number {
    return this.queue.length - this.head;
  }

  isConnected(): boolean {
    return this.connected;
  }

  private enqueue(line: string): void {
    if (ACKS.has(line)) {
      this.stats.acks++;
      return;
    }
    this.stats.received++;
    this.queue.push(line);
    const over = this.depth() - this.o.maxBufferedLines;
    if (over > 0) {
      this.head += over;
      this.stats.dropped += over;
      const now = Date.now();
      if (now - this.lastDropReport > 5_000) {
        this.lastDropReport = now;
        this.o.report(`exabgp-bridge: daemon unreachable, buffer full: ${this.stats.dropped} line(s) dropped so far`);
      }
    }
    if (this.head > 8192 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.pump();
  }

  private connect(): void {
    if (this.stopped) return;
    const { tcp, unix } = this.o.target;
    const socket = unix ? connect(unix) : connect(tcp!.port, tcp!.host);
    this.socket = socket;
    let opened = false;
    socket.on('connect', () => {
      opened = true;
      this.connected = true;
      this.stats.connects++;
      this.backoff = 200;
      this.o.report(`exabgp-bridge: connected to the daemon (${this.depth()} line(s) held)`);
      this.pump();
      if (this.stats.connects > 1) this.refresh();
    });
    socket.on('drain', () => this.pump());
    // The daemon closed its side: stop handing it lines now, not at 'close'.
    socket.on('end', () => {
      this.connected = false;
      socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket === socket && opened) this.o.report('exabgp-bridge: daemon connection lost, holding lines');
      this.connected = false;
      this.socket = null;
      if (this.stopped) return;
      this.retryTimer = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 5_000);
    });
  }

  /** Asks ExaBGP for a route refresh of every family now, or when the interval since the last one has passed. */
  private refresh(): void {
    const command = this.o.command;
    if (command === undefined || this.refreshTimer !== null || this.stopped) return;
    const wait = this.lastRefresh + (this.o.refreshIntervalMs ?? 60_000) - Date.now();
    if (wait > 0) {
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = null;
        this.refresh();
      }, wait);
      this.refreshTimer.unref();
      return;
    }
    this.lastRefresh = Date.now();
    this.stats.refreshes++;
    const families = this.o.refreshFamilies ?? ['ipv4 unicast', 'ipv6 unicast'];
    for (const family of families) command(`announce route-refresh ${family}`);
    this.o.report(`exabgp-bridge: the daemon reconnected: asked ExaBGP for a route refresh (${families.join(', ')})`);
  }

  /** Writes held lines while the socket accepts them. Lines are removed only once handed to the socket. */
  private pump(): void {
    const s = this.socket;
    if (!s || !this.connected) return;
    while (this.depth() > 0) {
      const line = this.queue[this.head++]!;
      this.stats.forwarded++;
      if (!s.write(line + '\n')) break;
    }
    if (this.inputEnded && this.depth() === 0) s.end(() => this.close());
  }

  private close(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.socket?.destroy();
    const left = this.depth();
    if (left > 0) this.stats.dropped += left;
    this.o.report(
      `exabgp-bridge: input ended; forwarded ${this.stats.forwarded}, dropped ${this.stats.dropped}, overlong ${this.stats.overlong}`,
    );
    this.finish?.();
  }
}
