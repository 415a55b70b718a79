/**
 * Syslog sender: RFC 5424 messages over UDP (RFC 5426, one message per
 * datagram) or TCP (RFC 6587 octet-counting framing, one long-lived
 * connection, re-opened when it fails). Delivery on UDP is fire-and-forget by
 * nature; on TCP "ok" means the kernel accepted the bytes.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { DEFAULT_RETRY, realRetryDeps, withRetry, type AttemptOutcome, type RetryDeps, type RetryPolicy } from './retry.js';
import { formatSyslog, frameOctetCounting, type SyslogFacility } from './syslog-format.js';
import type { DeliveryResult, NotifiableAlert, NotifyErrorCode, Sender } from './types.js';

export interface SyslogOptions {
  name: string;
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  facility?: SyslogFacility;
  appName?: string;
  /** HOSTNAME field; default os.hostname(). */
  hostname?: string;
  /** Largest message in octets (MSG is truncated beyond). Default 2048 on UDP (RFC 5426 §3.2 SHOULD), 8192 on TCP. */
  maxMessageBytes?: number;
  /** Connect/write timeout on TCP. Default 5 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  sdId?: string;
}

export interface SyslogDeps extends RetryDeps {
  nowIso(): string;
  pid: number;
}

export const realSyslogDeps: SyslogDeps = { ...realRetryDeps, nowIso: () => new Date().toISOString(), pid: process.pid };

/** A byte pipe to the collector. */
interface Transport {
  write(bytes: Buffer): Promise<void>;
  close(): void;
}

class TransportError extends Error {
  constructor(
    readonly code: NotifyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function errText(err: unknown): string {
  return (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
}

class UdpTransport implements Transport {
  private socket: UdpSocket | null = null;
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  write(bytes: Buffer): Promise<void> {
    if (this.socket === null) {
      const s = createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
      s.on('error', () => this.drop(s)); // async ICMP errors: next send gets a fresh socket
      s.unref();
      this.socket = s;
    }
    const s = this.socket;
    return new Promise((resolve, reject) =>
      s.send(bytes, this.port, this.host, (err) => (err ? reject(new TransportError('NETWORK', errText(err))) : resolve())),
    );
  }

  private drop(s: UdpSocket): void {
    if (this.socket === s) this.socket = null;
    s.close();
  }

  close(): void {
    if (this.socket) this.drop(this.socket);
  }
}

class TcpTransport implements Transport {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  /** True while a connection is open (for health and tests). */
  get connected(): boolean {
    return this.socket !== null;
  }

  private open(): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => s.destroy(new TransportError('TIMEOUT', `connect timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.setNoDelay(true);
        s.setKeepAlive(true);
        this.socket = s;
        resolve(s);
      });
      s.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof TransportError ? err : new TransportError('NETWORK', errText(err)));
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = null;
      });
      s.on('data', () => {}); // collectors do not answer; never let their bytes pile up
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async write(bytes: Buffer): Promise<void> {
    const s = await this.open();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        s.destroy();
        reject(new TransportError('TIMEOUT', `write not accepted within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      s.write(bytes, (err) => {
        clearTimeout(timer);
        if (err) {
          s.destroy();
          reject(new TransportError('NETWORK', errText(err)));
        } else resolve();
      });
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

export class SyslogSender implements Sender {
  readonly kind = 'syslog' as const;
  readonly name: string;
  private readonly transport: Transport;
  private readonly closing = new AbortController();
  private readonly retry: RetryPolicy;
  private readonly maxBytes: number;

  constructor(
    private readonly opts: SyslogOptions,
    private readonly deps: SyslogDeps = realSyslogDeps,
  ) {
    this.name = opts.name;
    const tcp = opts.protocol === 'tcp';
    this.transport = tcp ? new TcpTransport(opts.host, opts.port, opts.timeoutMs ?? 5000) : new UdpTransport(opts.host, opts.port);
    this.maxBytes = opts.maxMessageBytes ?? (tcp ? 8192 : 2048);
    this.retry = { ...DEFAULT_RETRY, maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000, ...opts.retry };
  }

  /** TCP: a connection is open now (always false on UDP). */
  get connected(): boolean {
    return this.transport instanceof TcpTransport && this.transport.connected;
  }

  /** The bytes that go on the wire for this alert (framed on TCP). */
  encode(alert: NotifiableAlert): Buffer {
    const msg = formatSyslog(
      alert,
      {
        facility: this.opts.facility ?? 'local0',
        hostname: this.opts.hostname ?? hostname(),
        appName: this.opts.appName ?? 'smoketrace',
        procId: String(this.deps.pid),
        ...(this.opts.sdId !== undefined ? { sdId: this.opts.sdId } : {}),
      },
      this.deps.nowIso(),
      this.maxBytes,
    );
    return this.opts.protocol === 'tcp' ? frameOctetCounting(msg) : msg;
  }

  send(alert: NotifiableAlert): Promise<DeliveryResult> {
    const bytes = this.encode(alert);
    const attempt = async (): Promise<AttemptOutcome> => {
      try {
        await this.transport.write(bytes);
        return { kind: 'ok' };
      } catch (err) {
        if (this.closing.signal.aborted) return { kind: 'fail', code: 'CLOSED', error: 'sender closed' };
        if (err instanceof TransportError) return { kind: 'retry', code: err.code, error: err.message };
        return { kind: 'retry', code: 'NETWORK', error: errText(err) };
      }
    };
    return withRetry(attempt, this.retry, this.deps, this.closing.signal);
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.transport.close();
  }
}
