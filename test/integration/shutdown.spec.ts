import { Fixtures, rider } from '../support/fixtures';
import { FAST_WORKER_TIMING, holdStandingsRow, runsOf, settled, standingsRows } from '../support/sync';
import { AUTH, eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

describe('graceful shutdown', () => {
  const sandbox = newSandbox(FAST_WORKER_TIMING);
  let api: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    api = await startTestApp({ ...FAST_WORKER_TIMING, APP_ROLE: 'api' }, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'api' } });
    fx = new Fixtures(api);
  });
  afterAll(() => api?.close());

  it('closing a worker lets its active run finish: the run record is completed and the standings written', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boardId = await fx.leaderboard({ seriesId, name: 'Shutdown', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['S'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'S');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);

    // The worker's app shares the sandbox; it is closed with app.close() so the database stays.
    const worker = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'worker' } });
    let closing: Promise<void> | undefined;
    try {
      await settled(api, boardId);
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      const release = await holdStandingsRow(sandbox.databaseUrl, boardId);
      let job: { jobId: string };
      let closed = false;
      try {
        job = (await api.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202)).body;
        // The worker is mid-run: its write waits on our lock on the standings row.
        await eventually(async () => (await runsOf(api, boardId)).find((r) => r.job_id === job.jobId && r.status === 'running'));
        closing = worker.app.close().then(() => {
          closed = true;
        });
        // Shutdown has begun, and it waits for the run rather than cutting it off.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(closed).toBe(false);
      } finally {
        await release();
      }
      await closing;

      const run = (await runsOf(api, boardId)).find((r) => r.job_id === job.jobId)!;
      expect(run.status).toBe('completed');
      expect(run.error).toBeNull();
      expect((await standingsRows(api, boardId)).map((r) => r.name)).toEqual(['Bo Chen', 'Ann Lee']);
    } finally {
      if (!closing) await worker.app.close();
      else await closing.catch(() => undefined);
    }
  });
});
