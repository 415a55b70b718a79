/**
 * The `notify` section of the configuration (zod 4). The main schema embeds
 * it as `notify: notifySchema.prefault({})`; every list defaults to empty, so
 * a config without the section notifies nobody.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { FACILITY_NAMES } from './syslog-format.js';
import { ALERT_KINDS, ALERT_SEVERITIES } from './types.js';

const senderName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, ".", "_" and "-", at most 63 characters');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const port = z.number().int().min(1).max(65535);
const timeoutMs = z.number().int().min(100).max(300_000);
const maxAttempts = z.number().int().min(1).max(10);
const hostName = z
  .string()
  .min(1)
  .refine((s) => isIP(s) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(s), {
    message: 'must be an IP address or a host name',
  });
/** Header names (RFC 9110 token) and values without CR/LF. */
const headers = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name'),
  z.string().regex(/^[^\r\n]*$/, 'header values cannot contain line breaks'),
);

const webhookSchema = z.strictObject({
  name: senderName,
  url: httpUrl,
  /** Extra request headers, e.g. { Authorization: "Bearer ..." }. */
  headers: headers.default({}),
  /** Per attempt. */
  timeoutMs: timeoutMs.default(10_000),
  /** Attempts in all; retried on network errors, timeouts, 5xx and 429 only. */
  maxAttempts: maxAttempts.default(4),
});

const slackSchema = z.strictObject({
  name: senderName,
  /** The incoming-webhook URL (https://hooks.slack.com/services/...). */
  url: httpUrl,
  timeoutMs: timeoutMs.default(10_000),
  maxAttempts: maxAttempts.default(4),
});

const syslogSchema = z.strictObject({
  name: senderName,
  host: hostName,
  port: port.default(514),
  /** udp: RFC 5426, one message per datagram; tcp: RFC 6587 octet counting. */
  protocol: z.enum(['udp', 'tcp']).default('udp'),
  facility: z.enum(FACILITY_NAMES).default('local0'),
  appName: z.string().regex(/^[\x21-\x7e]{1,48}$/, 'printable ASCII without spaces, at most 48 characters').default('smoketrace'),
  /** HOSTNAME field; null = this machine's host name. */
  hostname: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII without spaces').nullable().default(null),
  /** TCP connect/write timeout. */
  timeoutMs: timeoutMs.default(5000),
  maxAttempts: maxAttempts.default(3),
});

const emailSchema = z
  .strictObject({
    name: senderName,
    host: hostName,
    port: port.default(587),
    /** Implicit TLS from the first byte (usually port 465). */
    secure: z.boolean().default(false),
    /** When not secure: true = STARTTLS required (never sends in clear); false = plain SMTP. */
    starttls: z.boolean().default(true),
    user: z.string().min(1).nullable().default(null),
    password: z.string().nullable().default(null),
    /** "SmokeTrace <smoketrace@example.net>" or a bare address. */
    from: z.string().regex(/^[^\r\n]*@[^\r\n]*$/, 'must hold an e-mail address'),
    to: z.array(z.email()).min(1),
    subjectPrefix: z.string().regex(/^[^\r\n]*$/).default('[SmokeTrace]'),
    /** Placeholders {target} {targetId} {kind} {state} {severity} {vantage} {id}. */
    subjectTemplate: z.string().regex(/^[^\r\n]*$/).default('{severity} {kind} {state}: {target}'),
    timeoutMs: timeoutMs.default(30_000),
    maxAttempts: maxAttempts.default(3),
    /** false accepts self-signed server certificates. */
    tlsRejectUnauthorized: z.boolean().default(true),
  })
  .refine((e) => e.password === null || e.user !== null, { message: 'password given without user', path: ['password'] });

export const notifySchema = z
  .strictObject({
    /** Public URL of the web UI; alert links are `${baseUrl}/alerts/{id}`. Null: no links. */
    baseUrl: httpUrl.nullable().default(null),
    /** Alerts below this severity are not sent. */
    minSeverity: z.enum(ALERT_SEVERITIES).default('info'),
    /** Only these alert kinds are sent; empty = all. */
    kinds: z.array(z.enum(ALERT_KINDS)).default([]),
    /** Per-sender queue bound; beyond it the oldest alerts are dropped (counted on /api/health). */
    queueSize: z.number().int().min(1).max(100_000).default(100),
    /** A delivery (all attempts) not finished by then is counted failed. */
    sendTimeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
    webhooks: z.array(webhookSchema).default([]),
    slack: z.array(slackSchema).default([]),
    syslog: z.array(syslogSchema).default([]),
    email: z.array(emailSchema).default([]),
  })
  .superRefine((n, ctx) => {
    const seen = new Set<string>();
    for (const list of ['webhooks', 'slack', 'syslog', 'email'] as const) {
      n[list].forEach((s, i) => {
        if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `duplicate notifier name "${s.name}"` });
        seen.add(s.name);
      });
    }
  });

export type NotifyConfig = z.infer<typeof notifySchema>;
export type NotifyConfigInput = z.input<typeof notifySchema>;
