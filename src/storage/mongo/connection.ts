import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import type { StorageConfig } from '../../config/schema.js';

/** Hides the password of a MongoDB URI so it can be logged and printed. */
export function maskUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@]*@/, '$1:****@');
}

/** The database named in the URI path, if any. */
export function databaseFromUri(uri: string): string | null {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

export class StorageStartError extends Error {
  constructor(message: string, readonly uri: string) {
    super(message);
    this.name = 'StorageStartError';
  }
}

/** A running embedded mongod (mongodb-memory-server), kept so stop() can shut it down without wiping data. */
export interface EmbeddedServer {
  uri: string;
  stop(): Promise<void>;
}

/**
 * Starts mongod through mongodb-memory-server with a persistent WiredTiger data
 * directory, so a restart keeps the history. Imported lazily: a deployment
 * with MONGODB_URI never loads it.
 */
export async function startEmbedded(cfg: StorageConfig, log: Logger): Promise<EmbeddedServer> {
  const dbPath = resolve(cfg.dataDir, 'mongo');
  mkdirSync(dbPath, { recursive: true });
  log.info({ dbPath }, 'starting embedded MongoDB');
  let mod: typeof import('mongodb-memory-server');
  try {
    mod = await import('mongodb-memory-server');
  } catch (err) {
    throw new StorageStartError(`mongodb-memory-server is not installed (${(err as Error).message}); set MONGODB_URI`, 'embedded');
  }
  try {
    const server = await mod.MongoMemoryServer.create({
      instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' },
      ...(cfg.embeddedBinary ? { binary: { systemBinary: cfg.embeddedBinary } } : {}),
    });
    return {
      uri: server.getUri(),
      stop: async () => {
        await server.stop({ doCleanup: false, force: false });
      },
    };
  } catch (err) {
    throw new StorageStartError(
      `the embedded MongoDB could not start: ${(err as Error).message.split('\n')[0]}. ` +
        'Set MONGODB_URI to a MongoDB (or FerretDB) server, or storage.embeddedBinary to a local mongod binary.',
      `embedded:${dbPath}`,
    );
  }
}

export function createClient(uri: string, cfg: StorageConfig): MongoClient {
  return new MongoClient(uri, {
    appName: 'smoketrace',
    // Per attempt; connect() below retries within connectTimeoutMs (or forever when waiting).
    serverSelectionTimeoutMS: Math.min(cfg.connectTimeoutMs, 5_000),
    connectTimeoutMS: Math.min(cfg.connectTimeoutMs, 5_000),
    retryWrites: false,
  });
}

/** Is this error "the database is away" (hold and retry) rather than "this write is wrong" (drop and count)? */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const name = err.name;
  if (
    name === 'MongoServerSelectionError' ||
    name === 'MongoNetworkError' ||
    name === 'MongoNetworkTimeoutError' ||
    name === 'MongoNotConnectedError' ||
    name === 'MongoTopologyClosedError' ||
    name === 'MongoPoolClearedError' ||
    name === 'MongoOperationTimeoutError'
  ) {
    return true;
  }
  const labels = (err as { errorLabels?: unknown }).errorLabels;
  if (Array.isArray(labels) && labels.includes('RetryableWriteError')) return true;
  return /ECONNREFUSED|ECONNRESET|EPIPE|connection .* closed/i.test(err.message);
}
