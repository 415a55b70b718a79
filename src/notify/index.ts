/** Alert notifiers: webhook, Slack, syslog, e-mail, and the NotifierSet that fans out to them. */
export type { DeliveryResult, NotifiableAlert, NotifyErrorCode, Sender, SenderKind } from './types.js';
export { ALERT_KINDS, ALERT_SEVERITIES, severityRank } from './types.js';
export { notifySchema, type NotifyConfig, type NotifyConfigInput } from './config.js';
export { createNotifierSet, createSenders, type BuildOptions } from './build.js';
export { NotifierSet, type NotifierSetOptions, type SenderStats } from './notifier-set.js';
export { toNotifiable, type AlertContext } from './from-alert.js';
export { WebhookSender, webhookPayload, WEBHOOK_PAYLOAD_VERSION, type WebhookPayloadV1 } from './webhook.js';
export { SlackSender, slackPayload, type SlackPayload } from './slack.js';
export { SyslogSender, type SyslogOptions } from './syslog.js';
export { formatSyslog, frameOctetCounting, FACILITIES, type SyslogFacility } from './syslog-format.js';
export { EmailSender, type EmailOptions } from './email.js';
export { renderBody, renderSubject, DEFAULT_SUBJECT_TEMPLATE } from './email-format.js';
export { DEFAULT_RETRY, backoffDelayMs, parseRetryAfter, withRetry, type RetryPolicy } from './retry.js';
export type { HttpSenderOptions } from './http-post.js';
