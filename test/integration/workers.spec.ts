import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Fixtures, rider } from '../support/fixtures';
import { FAST_WORKER_TIMING, holdStandingsRow, runsOf, settled, standingsRows } from '../support/sync';
import { AUTH, eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

describe('worker processes', () => {
  const sandbox = newSandbox(FAST_WORKER_TIMING);
  let api: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let scaleId: number;

  beforeAll(async () => {
    api = await startTestApp({ ...FAST_WORKER_TIMING, APP_ROLE: 'api' }, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'api' } });
    fx = new Fixtures(api);
    seriesId = await fx.series();
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
  });
  afterAll(() => api?.close());

  async function worker(): Promise<TestApp> {
    return startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'worker' } });
  }

  it('two workers never run one board at once, and end with the standings one run gives', async () => {
    const workers = [await worker(), await worker()];
    try {
      const boards: number[] = [];
      const sets: number[] = [];
      for (let b = 0; b < 3; b++) {
        boards.push(await fx.leaderboard({ seriesId, name: `Two workers ${b}`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [`W${b}`] }));
        sets.push(await fx.resultSet(await fx.event(seriesId), `W${b}`));
      }
      for (let round = 0; round < 8; round++) {
        for (let b = 0; b < 3; b++) {
          await fx.replaceRows(sets[b], [rider('Ann', 'Lee', { position: 1 + (round % 2) }), rider('Bo', 'Chen', { position: 2 - (round % 2) }), rider(`Round${round}`, 'Rider', { position: 3 })]);
          await api.http().post(`/api/leaderboards/${boards[b]}/recalculate`).set(AUTH).expect(202);
        }
      }
      for (const board of boards) await settled(api, board, 30_000);

      for (const board of boards) {
        const runs = (await runsOf(api, board)).filter((r) => r.status === 'completed').sort((a, b) => a.started_at!.getTime() - b.started_at!.getTime());
        expect(runs.length).toBeGreaterThan(1);
        for (let i = 1; i < runs.length; i++) {
          expect(runs[i].started_at!.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at!.getTime());
        }
        // The last change is in, and one more run changes nothing: the standings are what a single run gives.
        expect((await standingsRows(api, board)).map((r) => r.name)).toEqual(['Bo Chen', 'Ann Lee', 'Round7 Rider']);
        const again = await api.http().post(`/api/leaderboards/${board}/recalculate`).set(AUTH).expect(202);
        await eventually(async () => (await runsOf(api, board)).find((r) => r.job_id === again.body.jobId && r.status === 'completed'));
        expect((await runsOf(api, board)).find((r) => r.job_id === again.body.jobId)).toMatchObject({ rows_inserted: 0, rows_updated: 0, rows_deleted: 0 });
      }
    } finally {
      for (const w of workers) await w.app.close();
    }
  });

  it('a worker killed with SIGKILL mid-run: the job is taken over and the standings end right', async () => {
    const boardId = await fx.leaderboard({ seriesId, name: 'Killed', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['K'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'K');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);

    const child = spawnWorker(sandbox.env);
    let takeover: TestApp | undefined;
    try {
      // First standings by the child, so a live set exists to hold.
      await settled(api, boardId, 60_000);
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      const release = await holdStandingsRow(sandbox.databaseUrl, boardId);
      const job = await api.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
      try {
        // The child has the job and is mid-run (its write waits on our row lock).
        await eventually(async () => (await runsOf(api, boardId)).find((r) => r.job_id === job.body.jobId && r.status === 'running'));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      } finally {
        await release();
      }
      takeover = await worker();
      await settled(api, boardId, 30_000);
      const run = (await runsOf(api, boardId)).find((r) => r.job_id === job.body.jobId)!;
      expect(run.status).toBe('completed');
      expect((await standingsRows(api, boardId)).map((r) => r.name)).toEqual(['Bo Chen', 'Ann Lee']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await takeover?.app.close();
    }
  });
});

function spawnWorker(env: Record<string, string>): ChildProcess {
  const root = join(__dirname, '..', '..');
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env, APP_ROLE: 'worker', TS_NODE_SWC: 'true' },
    stdio: 'ignore',
  });
}
