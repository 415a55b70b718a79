import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of the test database, so a test can "lose"
 * MongoDB (cut every connection and refuse new ones) and bring it back,
 * whatever server is behind (FerretDB or mongod).
 */
export class TcpProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private up = true;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.up) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Cut all connections and refuse new ones. */
  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** host, port and the rest of a single-host mongodb:// URI. */
export function splitMongoUri(uri: string): { host: string; port: number; path: string } {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^:/,]+)(?::(\d+))?(\/.*)?$/.exec(uri);
  if (!m) throw new Error(`need a single-host mongodb:// URI, got ${uri}`);
  return { host: m[1]!, port: Number(m[2] ?? 27017), path: m[3] ?? '/' };
}
