import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { EmailSender, classifySmtpError, type EmailOptions } from '../../src/notify/email.js';
import { renderBody, renderSubject } from '../../src/notify/email-format.js';
import { sampleAlert } from './helpers.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
  secure: boolean;
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A real SMTP receiver on 127.0.0.1:0; rcpt can reject recipients with a reply code. */
async function smtpReceiver(extra: Partial<SMTPServerOptions> = {}, rcptReplies: number[] = []) {
  const got: Received[] = [];
  let rcptCalls = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(_addr, _session, cb) {
      const code = rcptReplies[rcptCalls++];
      if (code === undefined) return cb();
      cb(Object.assign(new Error(`rejected with ${code}`), { responseCode: code }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope;
        got.push({
          from: env.mailFrom ? env.mailFrom.address : '',
          to: env.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
          secure: session.secure,
        });
        cb();
      });
    },
    ...extra,
  });
  servers.push(server);
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, got };
}

/** Quoted-printable (RFC 2045 §6.7) =XX escapes to UTF-8 text. */
function qpDecode(s: string): string {
  return Buffer.from(s.replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

/** RFC 2047 encoded words (UTF-8, Q or B); whitespace between adjacent encoded words is dropped (§6.2). */
function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : qpDecode(text.replace(/_/g, ' ')),
    );
}

/** Header value (unfolded, RFC 2047-decoded) and decoded text body of a single-part message. */
function parseMail(raw: string): { header(name: string): string | undefined; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => {
    const v = new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
    return v === undefined ? undefined : decodeWords(v);
  };
  let body = raw.slice(split + 4);
  const cte = header('Content-Transfer-Encoding')?.toLowerCase();
  if (cte === 'quoted-printable') {
    body = qpDecode(body.replace(/=\r\n/g, ''));
  } else if (cte === 'base64') {
    body = Buffer.from(body, 'base64').toString('utf8');
  }
  return { header, body: body.replace(/\r\n/g, '\n') };
}

const instant = { random: () => 0.5, sleep: async () => {} };
const base = (port: number, over: Partial<EmailOptions> = {}): EmailOptions => ({
  name: 'oncall',
  host: '127.0.0.1',
  port,
  secure: false,
  starttls: false,
  from: 'smoketrace@example.net',
  to: ['noc@example.net', 'ops@example.org'],
  baseUrl: 'https://st.example.net',
  timeoutMs: 5000,
  ...over,
});

describe('email rendering', () => {
  it('subject: prefix + template, control characters removed', () => {
    const a = sampleAlert({ targetName: 'db\r\nBcc: evil@example.com' });
    expect(renderSubject(a)).toBe('[SmokeTrace] major path_worse open: db Bcc: evil@example.com');
    expect(renderSubject(sampleAlert({ flapping: true }), '{target} is {state} ({vantage}) {unknown}', '')).toBe(
      'eu-west "edge" \\ ]gw is open (flapping) (par1) {unknown}',
    );
  });

  it('body: summary first, facts, key numbers, link', () => {
    const body = renderBody(sampleAlert({ details: { medianMs: 48, path: [1299, 3356], note: undefined } }), 'https://x.example/');
    expect(body.split('\n')[0]).toBe(sampleAlert().summary);
    expect(body).toContain('\nKey numbers:\n  medianMs: 48\n  path: [1299,3356]\n');
    expect(body).not.toContain('note');
    expect(body).toContain('\nAlert page: https://x.example/alerts/tgt-1%3Apath_worse%3A2026-01-01T00%3A00%3A00.000Z\n');
    expect(renderBody(sampleAlert({ details: {} }), null)).not.toMatch(/Key numbers|Alert page/);
  });
});

describe('EmailSender against a real SMTP server (smtp-server)', () => {
  it('delivers from/to/subject and the plain-text body', async () => {
    const rx = await smtpReceiver();
    const sender = new EmailSender(base(rx.port, { subjectPrefix: '[ST]' }), instant);
    const alert = sampleAlert();
    try {
      expect(await sender.send(alert)).toEqual({ ok: true, attempts: 1 });
    } finally {
      await sender.close();
    }
    expect(rx.got).toHaveLength(1);
    const m = rx.got[0]!;
    expect(m.from).toBe('smoketrace@example.net');
    expect(m.to).toEqual(['noc@example.net', 'ops@example.org']);
    const mail = parseMail(m.raw);
    expect(mail.header('Subject')).toBe('[ST] major path_worse open: eu-west "edge" \\ ]gw');
    expect(mail.header('From')).toBe('smoketrace@example.net');
    expect(mail.header('To')).toBe('noc@example.net, ops@example.org');
    expect(mail.header('Content-Type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(mail.body.trimEnd()).toBe(renderBody(alert, 'https://st.example.net').trimEnd());
    expect(mail.body).toContain('déjà vu ✓'); // UTF-8 survives the transfer encoding
    expect(mail.body).toContain('  medianAfterMs: 48');
  });

  it('authenticates when a user is configured', async () => {
    const rx = await smtpReceiver({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _s, cb) {
        if (auth.username === 'st' && auth.password === 'pw') cb(null, { user: 'st' });
        else cb(new Error('bad credentials'));
      },
    });
    const good = new EmailSender(base(rx.port, { user: 'st', password: 'pw' }), instant);
    const bad = new EmailSender(base(rx.port, { user: 'st', password: 'wrong' }), instant);
    try {
      expect(await good.send(sampleAlert())).toEqual({ ok: true, attempts: 1 });
      const r = await bad.send(sampleAlert());
      expect(r).toMatchObject({ ok: false, attempts: 1, code: 'SMTP_REJECTED', status: 535 }); // no retry of bad credentials
    } finally {
      await Promise.all([good.close(), bad.close()]);
    }
    expect(rx.got.map((m) => m.user)).toEqual(['st']);
  });

  it('starttls: upgrades the connection (self-signed certificate allowed explicitly)', async () => {
    const rx = await smtpReceiver({ disabledCommands: [] });
    const sender = new EmailSender(base(rx.port, { starttls: true, tlsRejectUnauthorized: false }), instant);
    try {
      expect(await sender.send(sampleAlert())).toEqual({ ok: true, attempts: 1 });
    } finally {
      await sender.close();
    }
    expect(rx.got[0]!.secure).toBe(true);
  });

  it('starttls required but not offered: the delivery fails instead of going in clear', async () => {
    const rx = await smtpReceiver(); // STARTTLS disabled
    const sender = new EmailSender(base(rx.port, { starttls: true, retry: { maxAttempts: 2 } }), instant);
    try {
      const r = await sender.send(sampleAlert());
      expect(r).toMatchObject({ ok: false, attempts: 1, code: 'SMTP_REJECTED', status: 500 });
      expect(r.error).toContain('STARTTLS');
    } finally {
      await sender.close();
    }
    expect(rx.got).toHaveLength(0);
  });

  it('4xx is retried, 5xx is not', async () => {
    const transient = await smtpReceiver({}, [451]); // first RCPT refused temporarily, then accepted
    const s1 = new EmailSender(base(transient.port, { to: ['noc@example.net'] }), instant);
    const permanent = await smtpReceiver({}, [550, 550, 550]);
    const s2 = new EmailSender(base(permanent.port, { to: ['noc@example.net'] }), instant);
    try {
      expect(await s1.send(sampleAlert())).toEqual({ ok: true, attempts: 2 });
      expect(await s2.send(sampleAlert())).toMatchObject({ ok: false, attempts: 1, code: 'SMTP_REJECTED', status: 550 });
    } finally {
      await Promise.all([s1.close(), s2.close()]);
    }
    expect(transient.got).toHaveLength(1);
    expect(permanent.got).toHaveLength(0);
  });

  it('nothing listening: NETWORK, bounded attempts', async () => {
    const rx = await smtpReceiver();
    const port = rx.port;
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    const delays: number[] = [];
    const sender = new EmailSender(base(port, { retry: { maxAttempts: 2 } }), { random: () => 0, sleep: async (ms) => void delays.push(ms) });
    try {
      expect(await sender.send(sampleAlert())).toMatchObject({ ok: false, attempts: 2, code: 'NETWORK' });
    } finally {
      await sender.close();
    }
    expect(delays).toEqual([1000]);
  });
});

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, 'retry', 'NETWORK'],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'retry', 'TIMEOUT'],
    [{ code: 'EENVELOPE', responseCode: 452, message: 'mailbox full' }, 'retry', 'SMTP_REJECTED'],
    [{ code: 'EENVELOPE', responseCode: 550, message: 'no such user' }, 'fail', 'SMTP_REJECTED'],
    [{ code: 'EAUTH', responseCode: 454, message: 'auth temporarily unavailable' }, 'fail', 'SMTP_REJECTED'],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'fail', 'SMTP_REJECTED'],
    [new Error('socket hang up'), 'retry', 'NETWORK'],
  ])('%j -> %s %s', (err, kind, code) => {
    expect(classifySmtpError(err)).toMatchObject({ kind, code });
  });
});
