import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Boom from '@hapi/boom';
import type { Request, Server } from '@hapi/hapi';
import type { Logger } from 'pino';
import type { HttpConfig } from '../config/schema.js';
import type { MetaRepository } from '../storage/repositories.js';

const META_KEY = 'http.apiTokenSha256';

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

function bearer(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m ? m[1]! : null;
}

/**
 * Who may call what. Mutating calls need the bearer token; reads are open to
 * loopback clients, to all, or to none (http.openReads). The token comes from
 * the config, or is generated on first start, printed once, and kept in
 * MongoDB only as its SHA-256.
 */
export class ApiAuth {
  private tokenHash: Buffer | null = null;

  constructor(
    private readonly cfg: HttpConfig,
    private readonly log: Logger,
  ) {}

  /** Resolves the token: config, else stored hash, else a new one (printed once). */
  async init(meta: MetaRepository | null): Promise<void> {
    if (this.cfg.apiToken) {
      this.tokenHash = sha256(this.cfg.apiToken);
      return;
    }
    if (!meta) return;
    const stored = await meta.get<string>(META_KEY).catch(() => null);
    if (stored) {
      this.tokenHash = Buffer.from(stored, 'hex');
      return;
    }
    const token = randomBytes(24).toString('base64url');
    await meta.set(META_KEY, sha256(token).toString('hex'));
    this.tokenHash = sha256(token);
    // Printed once, on stderr too, so it is seen when started by hand; never logged again.
    process.stderr.write(`\nsmoketrace: generated an API token (shown once; set http.apiToken to choose your own):\n  ${token}\n\n`);
    this.log.warn('api token generated and printed once on stderr');
  }

  /** True when the request carries the right token. */
  hasToken(req: Pick<Request, 'headers'>, queryToken?: string): boolean {
    const given = bearer(req.headers.authorization as string | undefined) ?? queryToken ?? null;
    if (!given || !this.tokenHash) return false;
    return timingSafeEqual(sha256(given), this.tokenHash);
  }

  canRead(req: Pick<Request, 'headers' | 'info'>): boolean {
    if (this.cfg.openReads === 'all') return true;
    if (this.cfg.openReads === 'localhost' && isLoopback(req.info.remoteAddress)) return true;
    return this.hasToken(req);
  }

  /** Installs the checks: every /api route except health is a read or a write by its method. */
  register(server: Server): void {
    server.ext('onPreAuth', (req, h) => {
      if (!req.path.startsWith('/api/') || req.path === '/api/health' || req.path === '/api/openapi.json') return h.continue;
      const write = req.method !== 'get' && req.method !== 'head' && req.method !== 'options';
      if (write && !this.hasToken(req)) throw Boom.unauthorized('this call needs the API token (Authorization: Bearer TOKEN)');
      if (!write && !this.canRead(req)) throw Boom.unauthorized('reading needs the API token from this address (http.openReads)');
      return h.continue;
    });
  }
}
