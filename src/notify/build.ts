/** From the `notify` config section to live senders and the NotifierSet. */
import type { NotifyConfig } from './config.js';
import { EmailSender } from './email.js';
import { NotifierSet } from './notifier-set.js';
import { SlackSender } from './slack.js';
import { SyslogSender } from './syslog.js';
import type { Sender } from './types.js';
import { WebhookSender } from './webhook.js';

export interface BuildOptions {
  /** HTTP User-Agent, e.g. "smoketrace/0.1.0". */
  userAgent?: string;
}

export function createSenders(cfg: NotifyConfig, opts: BuildOptions = {}): Sender[] {
  const common = { baseUrl: cfg.baseUrl, ...(opts.userAgent ? { userAgent: opts.userAgent } : {}) };
  return [
    ...cfg.webhooks.map(
      (w) => new WebhookSender({ ...common, name: w.name, url: w.url, headers: w.headers, timeoutMs: w.timeoutMs, retry: { maxAttempts: w.maxAttempts } }),
    ),
    ...cfg.slack.map((s) => new SlackSender({ ...common, name: s.name, url: s.url, timeoutMs: s.timeoutMs, retry: { maxAttempts: s.maxAttempts } })),
    ...cfg.syslog.map(
      (s) =>
        new SyslogSender({
          name: s.name,
          host: s.host,
          port: s.port,
          protocol: s.protocol,
          facility: s.facility,
          appName: s.appName,
          ...(s.hostname !== null ? { hostname: s.hostname } : {}),
          timeoutMs: s.timeoutMs,
          retry: { maxAttempts: s.maxAttempts },
        }),
    ),
    ...cfg.email.map(
      (e) =>
        new EmailSender({
          name: e.name,
          host: e.host,
          port: e.port,
          secure: e.secure,
          starttls: e.starttls,
          user: e.user,
          password: e.password,
          from: e.from,
          to: e.to,
          subjectPrefix: e.subjectPrefix,
          subjectTemplate: e.subjectTemplate,
          baseUrl: cfg.baseUrl,
          timeoutMs: e.timeoutMs,
          tlsRejectUnauthorized: e.tlsRejectUnauthorized,
          retry: { maxAttempts: e.maxAttempts },
        }),
    ),
  ];
}

export function createNotifierSet(cfg: NotifyConfig, opts: BuildOptions = {}): NotifierSet {
  return new NotifierSet(createSenders(cfg, opts), {
    queueSize: cfg.queueSize,
    sendTimeoutMs: cfg.sendTimeoutMs,
    minSeverity: cfg.minSeverity,
    kinds: cfg.kinds,
  });
}
