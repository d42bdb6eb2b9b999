import type { Test } from 'supertest';
import { RetryTokens } from '../../src/notifications/retry/retry-tokens';
import { Fixtures, rider } from '../support/fixtures';
import { PrivateRedis } from '../support/private-redis';
import { FAST_WORKER_TIMING, runsOf, settled, standingsRows, standingsState } from '../support/sync';
import { AUTH, eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

/** The sandbox relaxes the Redis deadline for loaded machines; these tests are about the real one. */
const PRODUCTION_REDIS_DEADLINE = { REDIS_COMMAND_TIMEOUT_MS: '500' };

/** Longer than a write may take: a request still unanswered then counts as hung. */
const GIVE_UP_MS = 3_000;
const OUTAGE_MS = 4_000;

interface Timed {
  what: string;
  ms: number;
  status: number | 'hung';
  retryAfter?: string;
}

async function timed(what: string, request: Test): Promise<Timed> {
  const start = performance.now();
  try {
    const res = await request.timeout(GIVE_UP_MS);
    return { what, ms: Math.round(performance.now() - start), status: res.status, retryAfter: res.headers['retry-after'] };
  } catch {
    return { what, ms: Math.round(performance.now() - start), status: 'hung' };
  }
}

describe('Redis outage', () => {
  let redis: PrivateRedis;
  let api: TestApp;
  let worker: TestApp;
  let fx: Fixtures;

  // An API process and a worker process, both on a Redis of this test's own.
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const sandbox = newSandbox({ ...FAST_WORKER_TIMING, ...PRODUCTION_REDIS_DEADLINE, REDIS_URL: redis.url });
    api = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'api' } });
    worker = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'worker' } });
    fx = new Fixtures(api);
  });
  afterAll(async () => {
    // Closing waits on Redis: bring it back if a failed test left it down.
    if (redis && !redis.running) await redis.up();
    await worker?.app.close();
    await api?.close();
    await redis?.down();
  });

  it('writes answer within 1 s while Redis is down, manual runs get 503 + Retry-After, and every board is current within 5 s of its return', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boards: { boardId: number; setId: number }[] = [];
    for (const category of ['O1', 'O2']) {
      const boardId = await fx.leaderboard({ seriesId, name: `Outage ${category}`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [category] });
      const setId = await fx.resultSet(await fx.event(seriesId), category);
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      boards.push({ boardId, setId });
    }
    for (const { boardId } of boards) await settled(api, boardId);

    await redis.down();
    const outageStart = Date.now();
    const answers: Timed[] = [];
    for (let round = 0; round < 3; round++) {
      for (const { setId } of boards) {
        const rows = [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 }), rider(`Outage${round}`, 'Rider', { position: 3 })];
        answers.push(await timed('edit', api.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send(rows)));
      }
    }
    answers.push(await timed('recalculate', api.http().post(`/api/leaderboards/${boards[0].boardId}/recalculate`).set(AUTH)));
    answers.push(await timed('recalculate-all', api.http().post(`/api/leaderboards/recalculate-all?seriesId=${seriesId}`).set(AUTH)));
    const health = await timed('health', api.http().get('/health'));
    // eslint-disable-next-line no-console
    console.log('Answers during the outage (ms):', answers.map((a) => `${a.what} ${a.status} ${a.ms}`).join(', '), `| health ${health.status} ${health.ms}`);

    expect(answers.filter((a) => a.what === 'edit').map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(answers.filter((a) => a.what !== 'edit')).toEqual([
      expect.objectContaining({ what: 'recalculate', status: 503, retryAfter: expect.stringMatching(/^\d+$/) }),
      expect.objectContaining({ what: 'recalculate-all', status: 503, retryAfter: expect.stringMatching(/^\d+$/) }),
    ]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1_000);
    // recalculate-all records its runs before adding the jobs: refused, it takes the rows back out.
    const seriesRuns: { n: number }[] = await api.db.query(
      `SELECT count(*)::int AS n FROM recalc_run r JOIN leaderboard l ON l.id = r.leaderboard_id WHERE l.series_id = $1 AND r.trigger = 'MANUAL' AND r.status = 'queued'`, [seriesId]);
    expect(seriesRuns[0].n).toBe(0);
    expect(health).toMatchObject({ status: 503 });
    expect(health.ms).toBeLessThan(1_000);
    // Saved: the last edit of each board is what the database holds.
    for (const { setId } of boards) {
      const saved = await api.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200);
      expect(JSON.stringify(saved.body)).toContain('Outage2');
    }

    // An outage of a few seconds, so the clients' reconnect back-off has grown before Redis returns.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStart))));
    await redis.up();
    const back = Date.now();
    for (const { boardId } of boards) await settled(api, boardId, 5_000 - (Date.now() - back));
    const recovery = Date.now() - back;
    // eslint-disable-next-line no-console
    console.log(`Every board current ${recovery} ms after Redis came back`);
    expect(recovery).toBeLessThan(5_000);

    for (const { boardId } of boards) {
      expect((await standingsRows(api, boardId)).map((r) => r.name)).toEqual(['Bo Chen', 'Ann Lee', 'Outage2 Rider']);
      // A from-scratch run changes nothing: the standings are what one run over the final inputs gives.
      const again = await api.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
      await eventually(async () => (await runsOf(api, boardId)).find((r) => r.job_id === again.body.jobId && r.status === 'completed'));
      expect((await runsOf(api, boardId)).find((r) => r.job_id === again.body.jobId)).toMatchObject({ rows_inserted: 0, rows_updated: 0, rows_deleted: 0 });
    }
    await api.http().get('/health').expect(200);
  });
});

describe('Redis outage: catching up on reconnect', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let fx: Fixtures;

  // The sweeper's own tick is a minute away: only the catch-up on reconnect can enqueue the board in time.
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await startTestApp({ ...PRODUCTION_REDIS_DEADLINE, REDIS_URL: redis.url, RECALC_DEBOUNCE_MS: '500', RECALC_MAX_WAIT_MS: '2000', RECALC_SWEEP_INTERVAL_MS: '60000' });
    fx = new Fixtures(t);
  });
  afterAll(async () => {
    if (redis && !redis.running) await redis.up();
    await t?.close();
    await redis?.down();
  });

  it('a change made while Redis was down is recalculated right after it returns, not a sweep interval later', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boardId = await fx.leaderboard({ seriesId, name: 'Catch-up', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['C'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'C');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    await settled(t, boardId);

    await redis.down();
    await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
    await redis.up();
    const back = Date.now();
    await settled(t, boardId, 5_000);
    // eslint-disable-next-line no-console
    console.log(`Board current ${Date.now() - back} ms after Redis came back (sweep interval 60 s)`);
    expect((await standingsRows(t, boardId)).map((r) => r.name)).toEqual(['Bo Chen', 'Ann Lee']);
    expect((await runsOf(t, boardId)).at(-1)).toMatchObject({ trigger: 'SWEEP', status: 'completed' });
  });

  it('a retry link used while Redis is down answers 503 + Retry-After and still works once it is back', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boardId = await fx.leaderboard({ seriesId, name: 'Retry link', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['R'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'R');
    // The board's next run fails for real, in the database; its failure episode gets a retry link.
    await t.db.query(`CREATE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure for the test'; END $$`);
    await t.db.query(`CREATE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
    try {
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      await eventually(async () => (await standingsState(t, boardId))?.state === 'F');
    } finally {
      await t.db.query('DROP TRIGGER podium_test_fail ON race_result');
    }
    const [episode] = await t.db.query('SELECT id FROM failure_episode WHERE leaderboard_id = $1 AND closed_at IS NULL', [boardId]);
    const { token } = await t.db.transaction((manager) => t.app.get(RetryTokens).issue(manager, episode.id));

    await redis.down();
    const during = await timed('retry link', t.http().post('/admin/retry').type('form').send({ token }));
    expect(during).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    expect(during.ms).toBeLessThan(1_000);
    await redis.up();

    await eventually(async () => (await t.http().post('/admin/retry').type('form').send({ token })).status === 202, 5_000, 200);
    await settled(t, boardId);
    expect((await standingsState(t, boardId))?.state).not.toBe('F');
  });
});

describe('Redis down when Podium starts', () => {
  let redis: PrivateRedis;
  let t: TestApp | undefined;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    await redis.down();
  });
  afterAll(async () => {
    if (!redis.running) await redis.up();
    await t?.close();
    await redis.down();
  });

  it('starts, answers writes and manual runs at once, and catches up once Redis arrives', async () => {
    t = await startTestApp({ ...FAST_WORKER_TIMING, ...PRODUCTION_REDIS_DEADLINE, REDIS_URL: redis.url });
    const fx = new Fixtures(t);
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boardId = await fx.leaderboard({ seriesId, name: 'Cold start', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['S'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'S');
    const edit = await timed('edit', t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send([rider('Ann', 'Lee', { position: 1 })]));
    const manual = await timed('recalculate', t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH));
    expect(edit).toMatchObject({ status: 200 });
    expect(manual).toMatchObject({ status: 503 });
    expect(Math.max(edit.ms, manual.ms)).toBeLessThan(1_000);

    await redis.up();
    await settled(t, boardId, 5_000);
    expect((await standingsRows(t, boardId)).map((r) => r.name)).toEqual(['Ann Lee']);
  });
});
