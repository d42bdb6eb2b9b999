import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import IORedis from 'ioredis';
import request from 'supertest';
import { RETRY_PAGE_LIMIT, RetryRateLimiter } from '../../src/notifications/retry/rate-limiter';
import { REDIS } from '../../src/redis/redis.module';
import { freePort } from '../support/free-port';
import { PrivateRedis } from '../support/private-redis';
import { eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

/** Starts an app whose Redis connection is up: until it is, the limiter fails open and counts nothing. */
async function startConnected(env: Record<string, string>, sandbox = newSandbox(env)): Promise<TestApp> {
  const t = await startTestApp(env, sandbox);
  await t.app.get<IORedis>(REDIS).ping();
  return t;
}

/** An unknown token: 404 while admitted, 429 once the client is over the limit. */
const RETRY_PAGE = '/admin/retry?token=not-a-token';

type Http = () => ReturnType<typeof request>;

async function statuses(app: { http: Http }, count: number, forwardedFor?: () => string): Promise<number[]> {
  const { http } = app;
  const answers: number[] = [];
  for (let i = 0; i < count; i++) {
    const req = http().get(RETRY_PAGE);
    if (forwardedFor) req.set('X-Forwarded-For', forwardedFor());
    answers.push((await req).status);
  }
  return answers;
}

describe('the retry page rate limit', () => {
  const { points } = RETRY_PAGE_LIMIT;

  describe('with TRUST_PROXY unset', () => {
    const sandbox = newSandbox();
    let first: TestApp;
    let second: { http: Http; stop(): Promise<void> };
    beforeAll(async () => {
      first = await startConnected({}, sandbox);
      second = await apiProcess(sandbox.env);
    });
    afterAll(async () => {
      await second?.stop();
      await first?.close();
    });
    afterEach(async () => {
      // Each test starts with a fresh count for this client.
      const redis = new IORedis(sandbox.env.REDIS_URL);
      const keys = await redis.keys(`${sandbox.redisPrefix}:retry-rate*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('is shared by every process: the limit is spent across this one and another API process', async () => {
      expect(await statuses(first, points - 10)).toEqual(Array(points - 10).fill(404));
      expect(await statuses(second, 10)).toEqual(Array(10).fill(404));
      expect(await statuses(second, 1)).toEqual([429]);
      expect(await statuses(first, 1)).toEqual([429]);
    });

    it('a forged X-Forwarded-For does not buy a fresh limit', async () => {
      let n = 0;
      const forged = () => `198.51.100.${n++ % 250}`;
      expect(await statuses(first, points, forged)).toEqual(Array(points).fill(404));
      expect(await statuses(first, 1, forged)).toEqual([429]);
    });
  });

  describe('behind a trusted proxy (TRUST_PROXY=loopback)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startConnected({ TRUST_PROXY: 'loopback' });
    });
    afterAll(() => t?.close());

    it('limits each forwarded client address separately', async () => {
      expect(await statuses(t, points, () => '203.0.113.7')).toEqual(Array(points).fill(404));
      expect(await statuses(t, 1, () => '203.0.113.7')).toEqual([429]);
      expect(await statuses(t, 1, () => '203.0.113.8')).toEqual([404]);
      expect(await statuses(t, 1, () => '203.0.113.8, 203.0.113.7')).toEqual([429]);
    });
  });

  it('fails open, at once, while Redis is unreachable', async () => {
    const redis = await PrivateRedis.start();
    const client = new IORedis(redis.url, { maxRetriesPerRequest: null });
    try {
      await client.ping(); // connected: until then the limiter already fails open
      const limiter = new RetryRateLimiter(client, { redisPrefix: 'rate-outage' });
      for (let i = 0; i < points; i++) expect(await limiter.allow('192.0.2.1')).toBe(true);
      expect(await limiter.allow('192.0.2.1')).toBe(false);
      await redis.down();
      const started = Date.now();
      expect(await limiter.allow('192.0.2.1')).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      client.disconnect();
      await redis.down();
    }
  });
});

/** Podium as `npm start` runs it (APP_ROLE=api), in a process of its own, on a free port. */
async function apiProcess(env: Record<string, string>): Promise<{ http: Http; stop(): Promise<void> }> {
  const root = join(__dirname, '..', '..');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env, APP_ROLE: 'api', PORT: String(port), TS_NODE_SWC: 'true' },
    stdio: 'ignore',
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const http: Http = () => request(`http://127.0.0.1:${port}`);
  try {
    await eventually(async () => (await http().get('/health')).status === 200, 60_000, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return { http, stop };
}
