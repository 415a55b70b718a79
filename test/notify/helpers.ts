/** Shared test pieces: a sample alert, instant retry deps, a real HTTP receiver on 127.0.0.1:0. */
import { createSocket } from 'node:dgram';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realHttpDeps, type HttpDeps } from '../../src/notify/http-post.js';
import type { NotifiableAlert } from '../../src/notify/types.js';

export function sampleAlert(over: Partial<NotifiableAlert> = {}): NotifiableAlert {
  return {
    id: 'tgt-1:path_worse:2026-01-01T00:00:00.000Z',
    kind: 'path_worse',
    state: 'open',
    severity: 'major',
    targetId: 'tgt-1',
    targetName: 'eu-west "edge" \\ ]gw',
    summary: 'Latency to eu-west rose from 12 ms to 48 ms since AS3356 replaced AS1299 — déjà vu ✓',
    openedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:01:00.000Z',
    resolvedAt: null,
    flapping: false,
    vantage: 'par1',
    details: { medianBeforeMs: 12, medianAfterMs: 48, lossPct: 0.5, responsibleAs: 3356 },
    ...over,
  };
}

/** Retry deps that never wait: they record the delays asked for. */
export function instantDeps(): HttpDeps & { delays: number[] } {
  const delays: number[] = [];
  return {
    ...realHttpDeps,
    delays,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One scripted answer per request (the last one repeats); 'hang' never answers. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export async function startHttpReceiver(answers: Answer[]) {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answers[Math.min(requests.length - 1, answers.length - 1)] ?? { status: 200 };
      if (a === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(a.status, a.headers).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A real syslog/UDP receiver on 127.0.0.1:0 collecting datagrams. */
export async function startUdpReceiver() {
  const sock = createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    port: (sock.address() as AddressInfo).port,
    got,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
