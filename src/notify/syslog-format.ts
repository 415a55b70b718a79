/**
 * RFC 5424 syslog messages for alerts, and RFC 6587 octet-counting framing.
 * Pure: the caller gives the time, host name and process id.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="VALUE"...] BOM MSG
 *
 * - PRI = facility * 8 + severity (§6.2.1).
 * - MSGID = the alert kind (§6.2.7).
 * - STRUCTURED-DATA: one element `smoketrace@32473` (§6.3.2: a private SD-ID is
 *   name@<private enterprise number>; 32473 is the PEN reserved for
 *   documentation by RFC 5612, so a deployment that registers its own PEN can
 *   pass it as `sdId`). PARAM-VALUEs escape `"`, `\` and `]` (§6.3.3).
 * - MSG = the customer sentence, UTF-8 preceded by the BOM (§6.4: "If a
 *   syslog application encodes MSG in UTF-8, the string MUST start with the
 *   Unicode byte order mask (BOM)"). We always do; receivers such as rsyslog
 *   and syslog-ng recognise and strip it.
 */
import type { AlertSeverity, NotifiableAlert } from './types.js';

/** RFC 5424 §6.2.1 Table 1 (12-15 named as the common implementations do). */
export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type SyslogFacility = keyof typeof FACILITIES;
export const FACILITY_NAMES = Object.keys(FACILITIES) as [SyslogFacility, ...SyslogFacility[]];

/** RFC 5424 §6.2.1 Table 2 codes: 2 Critical, 3 Error, 4 Warning, 5 Notice, 6 Informational. */
const SEVERITY_CODE: Readonly<Record<AlertSeverity, number>> = { critical: 2, major: 3, minor: 4, info: 6 };
const NOTICE = 5;

/** A resolved alert is good news: Notice, whatever the severity it had. */
export function syslogSeverity(alert: Pick<NotifiableAlert, 'severity' | 'state'>): number {
  return alert.state === 'resolved' ? NOTICE : SEVERITY_CODE[alert.severity];
}

export function priority(facility: SyslogFacility, severity: number): number {
  return FACILITIES[facility] * 8 + severity;
}

/** §6.3.3: inside PARAM-VALUE, '"', '\' and ']' MUST be escaped with a backslash. */
export function escapeParamValue(s: string): string {
  return s.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** Header fields are 1*N PRINTUSASCII (%d33-126); anything else becomes "_", empty becomes NILVALUE "-". */
export function headerField(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

export const DEFAULT_SD_ID = 'smoketrace@32473';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** PARAM-VALUE length cap: keeps the header small whatever a target is called. */
const MAX_PARAM_CHARS = 255;

export interface SyslogHeader {
  facility: SyslogFacility;
  /** §6.2.4, at most 255 characters. */
  hostname: string;
  /** §6.2.5, at most 48 characters. */
  appName: string;
  /** §6.2.6, at most 128 characters. */
  procId: string;
  sdId?: string;
}

export function structuredData(alert: NotifiableAlert, sdId = DEFAULT_SD_ID): string {
  const params: Array<[string, string]> = [
    ['id', alert.id],
    ['target', alert.targetName],
    ['targetId', alert.targetId],
    ['state', alert.state],
    ['severity', alert.severity],
    ['flapping', String(alert.flapping)],
    ['vantage', alert.vantage],
  ];
  return `[${sdId}${params.map(([k, v]) => ` ${k}="${escapeParamValue(v.slice(0, MAX_PARAM_CHARS))}"`).join('')}]`;
}

/** Cuts a UTF-8 buffer to at most maxBytes without splitting a character. */
export function truncateUtf8(buf: Buffer, maxBytes: number): Buffer {
  if (buf.length <= maxBytes) return buf;
  let end = Math.max(0, maxBytes);
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--; // buf[end] is a continuation byte
  return buf.subarray(0, end);
}

/**
 * One RFC 5424 message. When longer than maxBytes the MSG is truncated
 * (§6.1 allows it), never the header or the structured data.
 */
export function formatSyslog(alert: NotifiableAlert, header: SyslogHeader, timestampIso: string, maxBytes: number): Buffer {
  const pri = priority(header.facility, syslogSeverity(alert));
  const head = [
    `<${pri}>1`,
    timestampIso,
    headerField(header.hostname, 255),
    headerField(header.appName, 48),
    headerField(header.procId, 128),
    headerField(alert.kind, 32),
    structuredData(alert, header.sdId),
  ].join(' ');
  const prefix = Buffer.concat([Buffer.from(`${head} `, 'utf8'), BOM]);
  const msg = truncateUtf8(Buffer.from(alert.summary, 'utf8'), maxBytes - prefix.length);
  return Buffer.concat([prefix, msg]);
}

/** RFC 6587 §3.4.1 octet counting: MSG-LEN SP SYSLOG-MSG, MSG-LEN in octets. */
export function frameOctetCounting(msg: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${msg.length} `, 'ascii'), msg]);
}
