import { randomBytes } from 'node:crypto';

/**
 * A real MongoDB-wire server for storage tests: MONGODB_URI when set (FerretDB
 * in CI), else an in-memory mongod from mongodb-memory-server. In CI a missing
 * server is an error, never a skip.
 */
let memoryServer: { getUri(): string; stop(): Promise<boolean> } | null = null;

export async function testMongoUri(): Promise<string> {
  const env = process.env.MONGODB_URI;
  if (env) return env;
  if (process.env.CI) throw new Error('MONGODB_URI must be set in CI (FerretDB): storage tests are never skipped there');
  if (!memoryServer) {
    const { MongoMemoryServer } = await import('mongodb-memory-server');
    memoryServer = await MongoMemoryServer.create();
  }
  return memoryServer.getUri();
}

/** A URI naming a database of its own, so test files never see each other's data. */
export async function uniqueDbUri(prefix: string): Promise<string> {
  const base = await testMongoUri();
  const name = `t_${prefix}_${randomBytes(4).toString('hex')}`;
  const m = /^(mongodb(?:\+srv)?:\/\/[^/]+)(\/[^?]*)?(\?.*)?$/.exec(base);
  if (!m) throw new Error(`unexpected MongoDB URI shape: ${base}`);
  return `${m[1]}/${name}${m[3] ?? ''}`;
}
