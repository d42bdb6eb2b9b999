import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { loadConfig } from '../../src/config/config';
import { RECALC_QUEUE } from '../../src/common/queue/queue-names';
import { RecalcSweeper } from '../../src/leaderboards/recalculation/recalc.sweeper';
import { Fixtures, rider } from '../support/fixtures';
import { holdStandingsRow, runsOf, settled, standingsRows, standingsState } from '../support/sync';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

const DEBOUNCE = 800;
const MAX_WAIT = 2_500;

describe('synchronization: debounced recalculation on BullMQ', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let scaleId: number;

  beforeAll(async () => {
    t = await startTestApp({
      RECALC_DEBOUNCE_MS: String(DEBOUNCE),
      RECALC_MAX_WAIT_MS: String(MAX_WAIT),
      RECALC_SWEEP_INTERVAL_MS: '250',
    });
    fx = new Fixtures(t);
    seriesId = await fx.series();
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
  });
  afterAll(() => t?.close());

  /** A board over one category with one published race, settled (its first run done). */
  async function boardWithRace(category: string, extra: object = {}): Promise<{ boardId: number; setId: number; eventId: number }> {
    const boardId = await fx.leaderboard({ seriesId, name: `Board ${category}`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [category], ...extra });
    const eventId = await fx.event(seriesId, { name: `Race ${category}` });
    const setId = await fx.resultSet(eventId, category);
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    await settled(t, boardId);
    return { boardId, setId, eventId };
  }

  /** Starts a manual run and holds it once it has read its inputs and waits to write; returns the release. */
  async function manualRunHeldMidWrite(boardId: number): Promise<() => Promise<void>> {
    const release = await holdStandingsRow(t.sandbox.databaseUrl, boardId);
    await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
    await eventually(async () => {
      const [waiting] = await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%' AND datname = current_database()`);
      return waiting.n > 0;
    });
    return release;
  }

  /** Loses every job of this app, as a Redis flush or outage would. */
  async function loseEveryJob(): Promise<void> {
    const redis = new IORedis(t.config.redisUrl);
    try {
      const keys = await redis.keys(`${t.sandbox.redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  /** The job's status once GET /api/recalculations/:jobId says completed. */
  async function completed(jobId: string) {
    return eventually(async () => {
      const status = await t.http().get(`/api/recalculations/${jobId}`).set(AUTH).expect(200);
      return status.body.status === 'completed' ? status.body : undefined;
    });
  }

  it('computes the standings automatically after the quiet period', async () => {
    const { boardId } = await boardWithRace('A');
    const res = await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200);
    expect(res.body).toMatchObject({ leaderboardId: boardId, state: 'PROVISIONAL', provisional: true, stale: false, total: 2 });
    expect(res.body.entries.map((e: { name: string; points: number; position: number }) => [e.name, e.points, e.position])).toEqual([
      ['Ann Lee', 10, 1],
      ['Bo Chen', 6, 2],
    ]);
    // Automatic runs, all completed: AUTO (the change's own job), or SWEEP: the sweeper's catch-up
    // when the queue first connects (after app.init, which does not wait for it) can find the
    // board pending before the listener has enqueued its job. CI failed here once under load,
    // with a message that did not name the run; the pairs below name it if it happens again.
    const runs = await runsOf(t, boardId);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.map((r) => [r.trigger === 'SWEEP' ? 'AUTO' : r.trigger, r.status])).toEqual(runs.map(() => ['AUTO', 'completed']));
  });

  it('collapses a burst of changes inside the quiet period into exactly one run', async () => {
    const { boardId, setId } = await boardWithRace('B');
    const before = (await runsOf(t, boardId)).length;
    for (let i = 0; i < 10; i++) {
      await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider(`Burst${i}`, 'Rider', { position: 3 + i })).expect(201);
    }
    await settled(t, boardId);
    const after = await runsOf(t, boardId);
    expect(after.length - before).toBe(1);
    expect((await standingsRows(t, boardId)).length).toBe(12);
  });

  it('changes every half quiet period still get a run at least every max-wait', async () => {
    const { boardId, setId } = await boardWithRace('C');
    const before = (await runsOf(t, boardId)).length;
    const start = Date.now();
    let i = 0;
    // Keep changing for 2.5 × max-wait: the debounce alone would never fire.
    while (Date.now() - start < MAX_WAIT * 2.5) {
      await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider(`Steady${i}`, 'Rider', { position: 3 + i })).expect(201);
      i += 1;
      await new Promise((resolve) => setTimeout(resolve, DEBOUNCE / 2));
    }
    const during = (await runsOf(t, boardId)).slice(before).filter((r) => r.started_at && r.started_at.getTime() < Date.now());
    expect(during.length).toBeGreaterThanOrEqual(2);
    const first = during[0].started_at!.getTime();
    expect(first - start).toBeLessThan(MAX_WAIT + 1_000);
    await settled(t, boardId);
    expect((await standingsRows(t, boardId)).length).toBe(2 + i);
  });

  it('a change committed during an active run causes exactly one follow-up run that includes it', async () => {
    const { boardId, setId } = await boardWithRace('D');
    const before = (await runsOf(t, boardId)).length;
    const release = await manualRunHeldMidWrite(boardId);
    try {
      await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider('Late', 'Change', { position: 3 })).expect(201);
      await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider('Later', 'Change', { position: 4 })).expect(201);
    } finally {
      await release();
    }
    await settled(t, boardId);
    const runs = (await runsOf(t, boardId)).slice(before);
    expect(runs.map((r) => r.trigger)).toEqual(['MANUAL', 'AUTO']);
    expect((await standingsRows(t, boardId)).map((r) => r.name)).toEqual(expect.arrayContaining(['Late Change', 'Later Change']));
  });

  it('a manual run promised after the active run ends, even when a later change takes its place as the follow-up', async () => {
    const { boardId, setId } = await boardWithRace('J');
    const release = await manualRunHeldMidWrite(boardId);
    let promised: { jobId: string; afterActiveRun: boolean };
    try {
      promised = (await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202)).body;
      expect(promised.afterActiveRun).toBe(true);
      // BullMQ keeps one follow-up per board: this change's job replaces the promised one.
      await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider('Late', 'Change', { position: 3 })).expect(201);
    } finally {
      await release();
    }
    const done = await completed(promised.jobId);
    // Served by the run that started after it was requested: that run read the change too.
    expect(done).toMatchObject({ jobId: promised.jobId, servedBy: expect.any(String), finishedAt: expect.any(String) });
    const server = await t.http().get(`/api/recalculations/${done.servedBy}`).set(AUTH).expect(200);
    expect(server.body).toMatchObject({ status: 'completed', servedBy: null });
    expect(new Date(server.body.startedAt).getTime()).toBeGreaterThan(new Date(done.queuedAt).getTime());
    await settled(t, boardId); // and no run of the board is left queued or running
    expect((await standingsRows(t, boardId)).map((r) => r.name)).toContain('Late Change');
  });

  it('a promised run whose job was lost with Redis is served by a run the sweeper starts', async () => {
    const { boardId } = await boardWithRace('K');
    const release = await manualRunHeldMidWrite(boardId);
    let promised: { jobId: string; afterActiveRun: boolean };
    try {
      promised = (await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202)).body;
      expect(promised.afterActiveRun).toBe(true);
      // Redis loses the queue, the promised follow-up with it; the board has no pending change.
      await loseEveryJob();
    } finally {
      await release();
    }
    const done = await completed(promised.jobId);
    expect(done.servedBy).toEqual(expect.any(String));
    expect((await runsOf(t, boardId)).find((r) => r.job_id === done.servedBy)).toMatchObject({ trigger: 'SWEEP', status: 'completed' });
    await settled(t, boardId);
  });

  it('manual recalculation bypasses the debounce and reports its job', async () => {
    const { boardId, setId } = await boardWithRace('E');
    await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
    const pending = await t.http().get(`/api/leaderboards/${boardId}`).expect(200);
    expect(pending.body.pending).toMatchObject({ dueAt: expect.any(String) });
    const res = await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
    expect(res.body).toMatchObject({ jobId: expect.any(String), status: 'queued', leaderboardId: boardId });
    const done = await completed(res.body.jobId);
    expect(done).toMatchObject({ jobId: res.body.jobId, leaderboardId: boardId, trigger: 'MANUAL', error: null });
    // It finished before the debounced run was even due.
    expect(new Date(done.finishedAt).getTime()).toBeLessThan(new Date(pending.body.pending.dueAt).getTime());
    expect((await standingsRows(t, boardId))[0].name).toBe('Bo Chen');

    const runs = await t.http().get(`/api/leaderboards/${boardId}/runs`).set(AUTH).expect(200);
    expect(runs.body[0]).toMatchObject({ jobId: res.body.jobId, status: 'completed', rows: expect.any(Object) });
    // Where the run spent its time, phase by phase, for the run history.
    const phases = runs.body[0].phases;
    expect(Object.keys(phases).sort()).toEqual(['computeMs', 'loadMs', 'lockMs', 'queueMs', 'writeMs']);
    for (const ms of Object.values(phases)) expect(ms).toEqual(expect.any(Number));
    expect((Object.values(phases) as number[]).every((ms) => ms >= 0)).toBe(true);
    await t.http().get(`/api/leaderboards/${boardId}/runs`).expect(401);
    await t.http().get('/api/recalculations/no-such-job').set(AUTH).expect(404);
  });

  it('recalculate-all enqueues one job per active board of the series', async () => {
    const series = await fx.series();
    const ids = [];
    for (const [name, active] of [['one', true], ['two', true], ['off', false]] as const) {
      ids.push(await fx.leaderboard({ seriesId: series, name, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Z'], active }));
    }
    const res = await t.http().post(`/api/leaderboards/recalculate-all?seriesId=${series}`).set(AUTH).expect(202);
    expect(res.body.jobs.map((j: { leaderboardId: number }) => j.leaderboardId).sort()).toEqual(ids.slice(0, 2).sort());
    await t.http().post('/api/leaderboards/recalculate-all').set(AUTH).expect(400);
    await t.http().post('/api/leaderboards/recalculate-all?seriesId=999999').set(AUTH).expect(404);
    await t.http().post(`/api/leaderboards/${ids[2]}/recalculate`).set(AUTH).expect(409);
    await t.http().post(`/api/leaderboards/${ids[0]}/recalculate`).expect(401);
    await t.http().post('/api/leaderboards/999999/recalculate').set(AUTH).expect(404);
  });

  it('recalculate-all adds its jobs in one bulk, records them queued in the same answer, and says which board runs after its active run', async () => {
    const series = await fx.series();
    const ids: number[] = [];
    for (const name of ['bulk one', 'bulk two', 'bulk three']) {
      ids.push(await fx.leaderboard({ seriesId: series, name, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['BULK'] }));
    }
    const eventId = await fx.event(series, { name: 'Bulk race' });
    const setId = await fx.resultSet(eventId, 'BULK');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    for (const id of ids) await settled(t, id);
    const release = await manualRunHeldMidWrite(ids[0]);
    const queue = t.app.get<Queue>(getQueueToken(RECALC_QUEUE));
    const add = jest.spyOn(queue, 'add');
    const addBulk = jest.spyOn(queue, 'addBulk');
    let res;
    try {
      res = await t.http().post(`/api/leaderboards/recalculate-all?seriesId=${series}`).set(AUTH).expect(202);
      expect(add).not.toHaveBeenCalled();
      expect(addBulk).toHaveBeenCalledTimes(1);
      expect(addBulk.mock.calls[0][0].map((j) => j.data.leaderboardId)).toEqual(ids);
      const jobs: { jobId: string; leaderboardId: number; afterActiveRun: boolean; joinedExisting: boolean }[] = res.body.jobs;
      expect(jobs.map((j) => [j.leaderboardId, j.afterActiveRun, j.joinedExisting])).toEqual([[ids[0], true, false], [ids[1], false, false], [ids[2], false, false]]);
      // Every job's run row exists before the answer: its status can be followed at once.
      const rows: { job_id: string }[] = await t.db.query('SELECT job_id FROM recalc_run WHERE job_id = ANY($1)', [jobs.map((j) => j.jobId)]);
      expect(rows.length).toBe(3);
    } finally {
      add.mockRestore();
      addBulk.mockRestore();
      await release();
    }
    for (const job of res.body.jobs) await completed(job.jobId);
    for (const id of ids) expect((await standingsRows(t, id)).map((r) => r.name)).toEqual(['Ann Lee', 'Bo Chen']);
    // The run's time split starts with the queue wait and the wait for the board's lock.
    const [run] = await t.db.query(`SELECT summary FROM recalc_run WHERE job_id = $1`, [res.body.jobs[1].jobId]);
    expect(run.summary.timings).toEqual({ queueMs: expect.any(Number), lockMs: expect.any(Number), loadMs: expect.any(Number), computeMs: expect.any(Number), writeMs: expect.any(Number) });
  });

  it('recalculate-all of 250 boards adds them in batches of 100 and records every job it answers', async () => {
    const series = await fx.series();
    const boards: { id: number }[] = await t.db.query(
      `INSERT INTO leaderboard (series_id, name, type, points_scale_id) SELECT $1, 'Many ' || b, 'INDIVIDUAL', $2 FROM generate_series(1, 250) AS b RETURNING id`,
      [series, scaleId],
    );
    await t.db.query(`INSERT INTO leaderboard_category (leaderboard_id, code, multiplier, ordinal) SELECT id, 'MANY', 1, 1 FROM unnest($1::int[]) AS id`, [boards.map((b) => b.id)]);
    const queue = t.app.get<Queue>(getQueueToken(RECALC_QUEUE));
    const addBulk = jest.spyOn(queue, 'addBulk');
    let res;
    try {
      res = await t.http().post(`/api/leaderboards/recalculate-all?seriesId=${series}`).set(AUTH).expect(202);
      expect(addBulk.mock.calls.map((call) => call[0].length)).toEqual([100, 100, 50]);
    } finally {
      addBulk.mockRestore();
    }
    const jobIds: string[] = res.body.jobs.map((j: { jobId: string }) => j.jobId);
    expect(new Set(res.body.jobs.map((j: { leaderboardId: number }) => j.leaderboardId))).toEqual(new Set(boards.map((b) => b.id)));
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM recalc_run WHERE job_id = ANY($1)', [jobIds]);
    expect(n).toBe(250);
    await eventually(async () => {
      const [{ done }] = await t.db.query(`SELECT count(*)::int AS done FROM recalc_run WHERE job_id = ANY($1) AND status = 'completed'`, [jobIds]);
      return done === 250;
    }, 120_000);
  }, 180_000);

  it('running the same recalculation twice gives identical rows and writes nothing the second time', async () => {
    const { boardId } = await boardWithRace('F');
    const first = await standingsRows(t, boardId);
    for (let i = 0; i < 2; i++) {
      const res = await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
      await eventually(async () => (await t.http().get(`/api/recalculations/${res.body.jobId}`).set(AUTH)).body.status === 'completed');
    }
    expect(await standingsRows(t, boardId)).toEqual(first);
    const runs = await runsOf(t, boardId);
    expect(runs.at(-1)).toMatchObject({ rows_inserted: 0, rows_updated: 0, rows_deleted: 0 });
  });

  it('an edit rewrites only the standings rows whose values changed', async () => {
    const { boardId, setId } = await boardWithRace('G');
    const field = (third: string, fourth: string) => [
      rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 }),
      rider(third, 'Third', { position: 3 }), rider(fourth, 'Fourth', { position: 4 }),
    ];
    await fx.replaceRows(setId, field('Cy', 'Di'));
    await settled(t, boardId);
    // Swap 3rd and 4th: only those two entries change; the leaders' rows are left alone.
    await fx.replaceRows(setId, [
      rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 }),
      rider('Di', 'Fourth', { position: 3 }), rider('Cy', 'Third', { position: 4 }),
    ]);
    await settled(t, boardId);
    expect((await runsOf(t, boardId)).at(-1)).toMatchObject({ rows_inserted: 0, rows_updated: 2, rows_deleted: 0 });
  });

  it('the sweeper recovers boards whose jobs were lost (Redis flushed)', async () => {
    const { boardId, setId } = await boardWithRace('H');
    await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
    await loseEveryJob();
    await settled(t, boardId);
    expect((await standingsRows(t, boardId))[0].name).toBe('Bo Chen');
    expect((await runsOf(t, boardId)).at(-1)!.trigger).toBe('SWEEP');
  });

  it('the sweeper leaves boards alone while their job is alive', async () => {
    const { boardId, setId } = await boardWithRace('I');
    await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 })]);
    expect(await t.app.get(RecalcSweeper).tick()).not.toContain(boardId);
    await settled(t, boardId);
  });

  it('the queue lives under the configured Redis prefix', async () => {
    const queue = t.app.get<Queue>(getQueueToken(RECALC_QUEUE));
    expect(queue.opts.prefix).toBe(t.sandbox.redisPrefix);
  });

  it('production defaults are the design\'s: 60 s quiet period, 5 min max wait', () => {
    const defaults = loadConfig({});
    expect(defaults.recalcDebounceMs).toBe(60_000);
    expect(defaults.recalcMaxWaitMs).toBe(300_000);
  });

  describe('standings state × (success, failure)', () => {
    async function forceFailures(on: boolean): Promise<void> {
      if (on) {
        await t.db.query(`CREATE OR REPLACE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'forced failure for the test'; END $$`);
        await t.db.query(`CREATE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
          FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
      } else {
        await t.db.query('DROP TRIGGER IF EXISTS podium_test_fail ON race_result');
      }
    }

    async function recalcNow(boardId: number): Promise<void> {
      const res = await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
      await eventually(async () => ['completed', 'failed'].includes((await t.http().get(`/api/recalculations/${res.body.jobId}`).set(AUTH)).body.status));
    }

    const cases: [string, string | null, 'success' | 'failure', string, string | null][] = [
      // start state, transition applied first, outcome, final live state, what the old set became
      ['PROVISIONAL', null, 'success', 'PROVISIONAL', null],
      ['PROVISIONAL', null, 'failure', 'FAILED', null],
      ['DRAFT', 'DRAFT', 'success', 'DRAFT', null],
      ['DRAFT', 'DRAFT', 'failure', 'FAILED', null],
      ['APPROVED', 'APPROVED', 'success', 'DRAFT', 'REPLACED'],
      ['APPROVED', 'APPROVED', 'failure', 'FAILED', null],
      ['DELETED', 'DELETED', 'success', 'DRAFT', 'REPLACED'],
      ['DELETED', 'DELETED', 'failure', 'FAILED', null],
    ];

    it.each(cases)('%s (via %s) × %s → %s', async (_, transition, outcome, finalState, oldBecame) => {
      const { boardId, setId } = await boardWithRace(`S-${Math.random()}`);
      const live = (await standingsState(t, boardId))!;
      if (transition && transition !== 'PROVISIONAL') {
        await t.http().post(`/api/result-sets/${live.id}/transitions`).set(AUTH).send({ to: transition }).expect(200);
      }
      const rowsBefore = await standingsRows(t, boardId);
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      if (outcome === 'failure') await forceFailures(true);
      try {
        await recalcNow(boardId);
      } finally {
        await forceFailures(false);
      }
      const after = (await standingsState(t, boardId))!;
      expect(after.state).toBe({ PROVISIONAL: 'P', DRAFT: '-', APPROVED: 'A', DELETED: 'D', FAILED: 'F', REPLACED: 'R' }[finalState]);
      if (outcome === 'failure') {
        expect(after.error_message).toContain('forced failure for the test');
        expect(await standingsRows(t, boardId)).toEqual(rowsBefore); // the last good rows, untouched
        // A FAILED board that was public still serves its rows, flagged stale.
        const res = await t.http().get(`/api/leaderboards/${boardId}/standings`).set(AUTH).expect(200);
        expect(res.body).toMatchObject({ state: 'FAILED', stale: true });
        // The retry succeeds and returns the set to the state it failed from (or clones it).
        await recalcNow(boardId);
        const retried = (await standingsState(t, boardId))!;
        const expected = transition === 'APPROVED' || transition === 'DELETED' ? '-' : { null: 'P', DRAFT: '-' }[String(transition) as 'null' | 'DRAFT'];
        expect(retried.state).toBe(expected);
        expect(retried.error_message).toBeNull();
      } else {
        expect((await standingsRows(t, boardId))[0].name).toBe('Bo Chen');
      }
      if (oldBecame) {
        const [old] = await t.db.query('SELECT state FROM result_set WHERE id = $1', [live.id]);
        expect(old.state).toBe('R');
        expect(after.id).not.toBe(live.id);
      }
    });

    it('a failure opens one episode with one notification; the recovery closes it', async () => {
      const { boardId, setId } = await boardWithRace('N');
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 })]);
      await forceFailures(true);
      try {
        await recalcNow(boardId);
        await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 2 }), rider('Bo', 'Chen', { position: 1 })]);
        await recalcNow(boardId);
      } finally {
        await forceFailures(false);
      }
      const episodes = await t.db.query('SELECT * FROM failure_episode WHERE leaderboard_id = $1', [boardId]);
      expect(episodes).toHaveLength(1);
      const notes = await t.db.query('SELECT kind FROM notification WHERE leaderboard_id = $1 ORDER BY id', [boardId]);
      expect(notes.map((n: { kind: string }) => n.kind)).toEqual(['FAILURE']);
      await recalcNow(boardId);
      const closed = await t.db.query('SELECT closed_at FROM failure_episode WHERE leaderboard_id = $1', [boardId]);
      expect(closed[0].closed_at).not.toBeNull();
      const after = await t.db.query('SELECT kind FROM notification WHERE leaderboard_id = $1 ORDER BY id', [boardId]);
      expect(after.map((n: { kind: string }) => n.kind)).toEqual(['FAILURE', 'RECOVERY']);
    });
  });
});
