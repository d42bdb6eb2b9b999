import { Client } from 'pg';
import IORedis from 'ioredis';
import { buildConsole } from './console-build';

/** Fails fast, with a hint, when the real services the integration tests need are not up; builds the console once. */
export default async function globalSetup(): Promise<void> {
  const pg = new Client({ connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable on 127.0.0.1:5432 (${(err as Error).message}); start it (see README)`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis is not reachable on 127.0.0.1:6379 (${(err as Error).message}); start it (see README)`);
  } finally {
    redis.disconnect();
  }
  buildConsole();
}
