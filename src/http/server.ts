import Boom from '@hapi/boom';
import Hapi from '@hapi/hapi';
import { Server as SocketServer } from 'socket.io';
import type { Logger } from 'pino';
import type { HttpConfig } from '../config/schema.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { ClientToServerEvents, ServerToClientEvents } from './live-events.js';

export type LiveServer = SocketServer<ClientToServerEvents, ServerToClientEvents>;

export interface HttpDeps {
  config: HttpConfig;
  telemetry: Telemetry;
  log: Logger;
  version: string;
  instance: string;
}

/**
 * The hapi server (API, static pages later) with Socket.IO on the same port.
 * Routes are added by plugins before start(); the server is created in the
 * constructor so other services can register theirs.
 */
export class HttpService implements Service {
  readonly name = 'http';
  readonly server: Hapi.Server;
  io: LiveServer | null = null;
  private readonly startedAt = Date.now();

  constructor(private readonly deps: HttpDeps) {
    this.server = Hapi.server({
      host: deps.config.host,
      port: deps.config.port,
      routes: { response: { emptyStatusCode: 204 } },
    });
    this.addCoreRoutes();
  }

  private addCoreRoutes(): void {
    // Storage away: reads answer 503 with the reason, not a 500.
    this.server.ext('onPreResponse', (req, h) => {
      const r = req.response;
      if (r instanceof Error && (r as Error).name === 'StorageUnavailableError') {
        return Boom.serverUnavailable(`storage unavailable: ${(r as Error).message}`);
      }
      return h.continue;
    });
    const { telemetry, version, instance } = this.deps;
    this.server.route({
      method: 'GET',
      path: '/api/health',
      options: { description: 'Each component\'s state; 200 when healthy, 503 when degraded' },
      handler: (_req, h) => {
        const health = telemetry.health();
        return h
          .response({ ...health, version, instance, uptimeSec: Math.round((Date.now() - this.startedAt) / 1000) })
          .code(health.status === 'healthy' ? 200 : 503);
      },
    });
    this.server.route({
      method: 'GET',
      path: '/metrics',
      options: { description: 'Prometheus metrics' },
      handler: async (_req, h) =>
        h.response(await telemetry.registry.metrics()).type(telemetry.registry.contentType),
    });
  }

  async start(): Promise<void> {
    this.io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(this.server.listener, {
      serveClient: false,
      cors: { origin: false },
    });
    await this.server.start();
    this.deps.telemetry.registerHealth('http', () => ({
      status: 'up',
      details: { url: this.url(), liveClients: this.io?.engine.clientsCount ?? 0 },
    }));
    this.deps.log.info({ url: this.url() }, 'http listening');
  }

  url(): string {
    const host = this.server.info.host.includes(':') ? `[${this.server.info.host}]` : this.server.info.host;
    return `http://${host}:${this.server.info.port}`;
  }

  async stop(): Promise<void> {
    this.deps.telemetry.unregisterHealth('http');
    // Live clients first, so hapi's stop does not wait on open websockets.
    this.io?.disconnectSockets(true);
    await this.server.stop({ timeout: 3_000 });
    const io = this.io;
    if (io) await new Promise<void>((resolve) => io.close(() => resolve()));
    this.io = null;
  }
}
