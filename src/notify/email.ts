/**
 * E-mail over SMTP with nodemailer. TLS modes: `secure` = implicit TLS from
 * the first byte (port 465); otherwise `starttls` true = STARTTLS is required
 * (the delivery fails rather than send in clear), false = plain SMTP, no
 * STARTTLS even when offered (a local relay on port 25).
 * Retried (bounded, shared backoff): connection errors, timeouts and 4xx
 * replies; final: 5xx replies and authentication failures.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { renderBody, renderSubject } from './email-format.js';
import { DEFAULT_RETRY, realRetryDeps, withRetry, type AttemptOutcome, type RetryDeps, type RetryPolicy } from './retry.js';
import type { DeliveryResult, NotifiableAlert, Sender } from './types.js';

export interface EmailOptions {
  name: string;
  host: string;
  port: number;
  secure: boolean;
  starttls: boolean;
  user?: string | null;
  password?: string | null;
  from: string;
  to: string[];
  subjectPrefix?: string;
  /** See DEFAULT_SUBJECT_TEMPLATE for the placeholders. */
  subjectTemplate?: string;
  baseUrl?: string | null;
  /** Connection, greeting and socket inactivity timeout. Default 30 s. */
  timeoutMs?: number;
  /** Default true; false accepts self-signed server certificates. */
  tlsRejectUnauthorized?: boolean;
  retry?: Partial<RetryPolicy>;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

const TRANSIENT_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET']);

export function classifySmtpError(err: unknown): AttemptOutcome {
  const e = (err ?? {}) as SmtpError;
  const error = (e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (typeof e.responseCode === 'number') {
    const status = e.responseCode;
    if (e.code === 'EAUTH') return { kind: 'fail', code: 'SMTP_REJECTED', error, status };
    // RFC 5321 §4.2.1: 4yz is a transient negative reply, 5yz a permanent one.
    if (status >= 400 && status < 500) return { kind: 'retry', code: 'SMTP_REJECTED', error, status };
    return { kind: 'fail', code: 'SMTP_REJECTED', error, status };
  }
  if (e.code === 'ETIMEDOUT') return { kind: 'retry', code: 'TIMEOUT', error };
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { kind: 'fail', code: 'SMTP_REJECTED', error };
  if (e.code === undefined || TRANSIENT_CODES.has(e.code)) return { kind: 'retry', code: 'NETWORK', error };
  return { kind: 'fail', code: 'SMTP_REJECTED', error };
}

export class EmailSender implements Sender {
  readonly kind = 'email' as const;
  readonly name: string;
  private transport: Transporter | null = null;
  private readonly closing = new AbortController();
  private readonly retry: RetryPolicy;

  constructor(
    private readonly opts: EmailOptions,
    private readonly deps: RetryDeps = realRetryDeps,
  ) {
    this.name = opts.name;
    this.retry = { ...DEFAULT_RETRY, maxAttempts: 3, baseDelayMs: 2000, ...opts.retry };
  }

  private transporter(): Transporter {
    const o = this.opts;
    const timeout = o.timeoutMs ?? 30_000;
    this.transport ??= nodemailer.createTransport({
      host: o.host,
      port: o.port,
      secure: o.secure,
      requireTLS: !o.secure && o.starttls,
      ignoreTLS: !o.secure && !o.starttls,
      ...(o.user ? { auth: { user: o.user, pass: o.password ?? '' } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      tls: { rejectUnauthorized: o.tlsRejectUnauthorized ?? true },
      // Nothing in an alert may make nodemailer read files or fetch URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return this.transport;
  }

  /** The message as handed to nodemailer (for tests and previews). */
  message(alert: NotifiableAlert): { from: string; to: string[]; subject: string; text: string } {
    return {
      from: this.opts.from,
      to: this.opts.to,
      subject: renderSubject(alert, this.opts.subjectTemplate, this.opts.subjectPrefix),
      text: renderBody(alert, this.opts.baseUrl ?? null),
    };
  }

  send(alert: NotifiableAlert): Promise<DeliveryResult> {
    const message = this.message(alert);
    const attempt = async (): Promise<AttemptOutcome> => {
      try {
        await this.transporter().sendMail(message);
        return { kind: 'ok' };
      } catch (err) {
        if (this.closing.signal.aborted) return { kind: 'fail', code: 'CLOSED', error: 'sender closed' };
        return classifySmtpError(err);
      }
    };
    return withRetry(attempt, this.retry, this.deps, this.closing.signal);
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.transport?.close();
    this.transport = null;
  }
}
