import { existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { RouteEvent } from '../../bgp/types.js';
import type { Clock } from '../core/clock.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import { LineSplitter } from './line-splitter.js';

/** What the feed needs of a parser: one per connection, fed one JSON line at a time. */
export interface ExabgpLineParser {
  parseLine(line: string, lineNo: number, arrival: Date): RouteEvent[];
}

export interface ExabgpFeedConfig {
  /** TCP listener ("host", "port"), or null. */
  tcp: { host: string; port: number } | null;
  /** Unix socket path, or null. */
  unix: string | null;
  maxLineBytes: number;
  /** The name route events carry as their "router". */
  name: string;
}

export interface ExabgpFeedDeps {
  config: ExabgpFeedConfig;
  parser: (router: string) => ExabgpLineParser;
  sink: (events: RouteEvent[]) => void;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
  onSessionEnd?: (router: string) => void;
}

const COMPONENT = 'exabgp';

/**
 * Reads ExaBGP's JSON API line stream on a TCP and/or unix socket: from
 * `smoketrace exabgp-bridge` (ExaBGP's api process) or anything else that
 * forwards those lines. A broken line is counted and skipped; the feed goes on.
 */
export class ExabgpFeed implements Service {
  readonly name = 'exabgp-feed';
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly connections = new Map<Socket, { since: string; lines: number; errors: number; lastLineAt: string | null }>();
  private totals = { connections: 0, lines: 0, events: 0, errors: 0, overlong: 0 };

  constructor(private readonly deps: ExabgpFeedDeps) {}

  async start(): Promise<void> {
    const { tcp, unix } = this.deps.config;
    if (tcp) await this.listen((s) => s.listen(tcp.port, tcp.host));
    if (unix) {
      if (existsSync(unix)) unlinkSync(unix); // a stale socket from a previous run
      await this.listen((s) => s.listen(unix));
    }
    this.deps.telemetry.registerHealth(COMPONENT, () => ({ status: 'up', details: this.status() }));
    this.deps.log.info({ addresses: this.addresses() }, 'exabgp feed listening');
  }

  private async listen(bind: (s: Server) => void): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        resolve();
      });
      bind(server);
    });
    server.on('error', (err) => this.deps.log.error({ err }, 'exabgp listener error'));
    this.servers.push(server);
  }

  addresses(): string[] {
    return this.servers.map((s) => {
      const a = s.address();
      return typeof a === 'string' ? `unix:${a}` : a ? `tcp://${a.address}:${a.port}` : '?';
    });
  }

  status(): Record<string, unknown> {
    return {
      listening: this.addresses(),
      totals: { ...this.totals },
      connections: [...this.connections.values()],
    };
  }

  private accept(socket: Socket): void {
    const router = this.deps.config.name;
    const parser = this.deps.parser(router);
    const conn = { since: this.deps.clock.now().toISOString(), lines: 0, errors: 0, lastLineAt: null as string | null };
    this.sockets.add(socket);
    this.connections.set(socket, conn);
    this.totals.connections++;
    this.deps.log.info({ router }, 'exabgp feed connected');
    let lineNo = 0;
    // The lines of one socket chunk arrived together: one arrival time, and their events go to
    // the sink in one call (as the BMP station hands over a chunk's events), in line order.
    let arrival = this.deps.clock.now();
    let batch: RouteEvent[] = [];
    const splitter = new LineSplitter(
      this.deps.config.maxLineBytes,
      (line) => {
        lineNo++;
        conn.lines++;
        this.totals.lines++;
        let events: RouteEvent[];
        try {
          events = parser.parseLine(line, lineNo, arrival);
        } catch (err) {
          conn.errors++;
          this.totals.errors++;
          this.deps.telemetry.rejected(COMPONENT, 'parser_exception');
          this.deps.log.error({ router, line: lineNo, err: (err as Error).message }, 'exabgp line could not be parsed');
          return;
        }
        for (const e of events) {
          if (e.type === 'error') {
            conn.errors++;
            this.totals.errors++;
            this.deps.telemetry.rejected(COMPONENT, e.code);
          }
          batch.push(e);
        }
        this.totals.events += events.length;
      },
      (bytes) => {
        lineNo++;
        this.totals.overlong++;
        this.deps.telemetry.rejected(COMPONENT, 'line_too_long');
        this.deps.log.warn({ router, line: lineNo, bytes }, 'exabgp line too long: skipped');
      },
    );
    /** Runs the splitter over what arrived, then hands the events of its lines over. */
    const read = (feed: () => void): void => {
      arrival = this.deps.clock.now();
      const before = conn.lines;
      feed();
      if (conn.lines !== before) conn.lastLineAt = arrival.toISOString();
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      this.deps.sink(events);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => read(() => splitter.push(chunk)));
    socket.on('end', () => read(() => splitter.end()));
    socket.on('error', (err) => this.deps.log.warn({ router, err: err.message }, 'exabgp socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.connections.delete(socket);
      this.deps.log.info({ router, lines: conn.lines }, 'exabgp feed disconnected');
      if (this.connections.size === 0) this.deps.onSessionEnd?.(router);
    });
  }

  async stop(): Promise<void> {
    this.deps.telemetry.unregisterHealth(COMPONENT);
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.servers.length = 0;
  }
}
