/** Throwaway databases and Redis prefixes for tests and benchmarks (no app imports). */
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Client } from 'pg';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };

const PG_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A throwaway database name and Redis prefix, unique to one test file's app. */
export interface Sandbox {
  databaseUrl: string;
  databaseName: string;
  redisPrefix: string;
  env: Record<string, string>;
}

export function newSandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseName = `podium_test_${id}`;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${databaseName}`;
  const redisPrefix = `podium-test-${id}`;
  return {
    databaseUrl: url.toString(),
    databaseName,
    redisPrefix,
    env: {
      DATABASE_URL: url.toString(),
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      ADMIN_API_KEYS: ADMIN_KEY,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NODE_ENV: 'test',
      // Test files share a loaded 2-core machine, where a Redis command can take longer than the
      // production deadline (500 ms) and a write would answer 503. The deadline itself is tested by
      // redis-outage.spec.ts, which sets it back to the default.
      REDIS_COMMAND_TIMEOUT_MS: '5000',
      ...extraEnv,
    },
  };
}

/** Creates the sandbox's database, empty (the app's migrations are not run). */
export async function createSandboxDatabase(sandbox: Sandbox): Promise<void> {
  const pg = new Client({ connectionString: PG_ADMIN_URL });
  await pg.connect();
  try {
    await pg.query(`CREATE DATABASE "${sandbox.databaseName}"`);
  } finally {
    await pg.end();
  }
}

/** Drops the sandbox's database and every Redis key under its prefix. */
export async function destroySandbox(sandbox: Sandbox): Promise<void> {
  const pg = new Client({ connectionString: PG_ADMIN_URL });
  await pg.connect();
  try {
    await pg.query(`DROP DATABASE IF EXISTS "${sandbox.databaseName}" WITH (FORCE)`);
  } finally {
    await pg.end();
  }
  const redis = new IORedis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${sandbox.redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

