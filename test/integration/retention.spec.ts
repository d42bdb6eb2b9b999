import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { HOUSEKEEPING_QUEUE, RETENTION_SCHEDULER_ID } from '../../src/housekeeping/retention-job';
import { Fixtures } from '../support/fixtures';
import { settled } from '../support/sync';
import { eventually, startTestApp, TestApp } from '../support/test-app';

/**
 * Retention on a short schedule (every 300 ms) over backdated rows: what is past its
 * retention goes, in batches of 2; what is live or recent stays.
 */
describe('housekeeping: retention of history', () => {
  let t: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    t = await startTestApp({ RETENTION_DAYS: '30', RETENTION_RUNS_DAYS: '20', RETENTION_INTERVAL_MS: '300', RETENTION_BATCH_SIZE: '2', RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '500' });
    fx = new Fixtures(t);
  });
  afterAll(() => t?.close());

  const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

  async function board(name: string): Promise<number> {
    const seriesId = await fx.series({ name: `S ${name}` });
    const scaleId = await fx.scale({ name: `P ${name}`, kind: 'TABLE', table: [3, 2, 1] });
    return fx.leaderboard({ seriesId, name, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [`C ${name}`] });
  }

  async function run(boardId: number, jobId: string, status: string, finishedDaysAgo: number | null, queuedDaysAgo = finishedDaysAgo ?? 0): Promise<void> {
    await t.db.query(
      `INSERT INTO recalc_run (leaderboard_id, job_id, trigger, status, queued_at, finished_at) VALUES ($1, $2, 'MANUAL', $3, $4, $5)`,
      [boardId, jobId, status, ago(queuedDaysAgo), finishedDaysAgo === null ? null : ago(finishedDaysAgo)],
    );
  }

  async function episode(boardId: number, label: string, closedDaysAgo: number | null, failedDaysAgo = 100): Promise<number> {
    const [row] = await t.db.query(
      `INSERT INTO failure_episode (leaderboard_id, error_message, failed_at, closed_at, emailed_at) VALUES ($1, $2, $3, $4, $3) RETURNING id`,
      [boardId, label, ago(failedDaysAgo), closedDaysAgo === null ? null : ago(closedDaysAgo)],
    );
    return row.id;
  }

  async function notification(episodeId: number, boardId: number, kind: string, label: string, daysAgo: number): Promise<void> {
    await t.db.query(
      `INSERT INTO notification (episode_id, leaderboard_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [episodeId, boardId, kind, label, ago(daysAgo)],
    );
  }

  async function token(episodeId: number, label: string, expiresDaysAgo: number, usedDaysAgo: number | null): Promise<void> {
    await t.db.query(
      `INSERT INTO retry_token (episode_id, token_hash, expires_at, used_at) VALUES ($1, convert_to($2, 'UTF8'), $3, $4)`,
      [episodeId, label, ago(expiresDaysAgo), usedDaysAgo === null ? null : ago(usedDaysAgo)],
    );
  }

  it('deletes old finished runs, closed episodes and spent links; never live runs, open episodes or usable links', async () => {
    const queue = t.app.get<Queue>(getQueueToken(HOUSEKEEPING_QUEUE));
    const a = await board('A');
    const b = await board('B');
    const c = await board('C');
    // The boards' own first runs would be their latest: start from an empty history.
    for (const id of [a, b, c]) await settled(t, id);
    await t.db.query('DELETE FROM recalc_run');

    // Runs (retention 20 days): old finished ones go, except each board's latest.
    for (let i = 1; i <= 5; i++) await run(a, `old-completed-${i}`, 'completed', 100);
    await run(a, 'old-failed', 'failed', 50);
    await run(a, 'old-queued', 'queued', null, 100);
    await run(a, 'old-running', 'running', null, 100);
    await run(a, 'recent-completed', 'completed', 10);
    await run(b, 'b-old-1', 'completed', 200);
    await run(b, 'b-old-latest', 'completed', 150);

    // Episodes and notifications (retention 30 days).
    const closedLongAgo = await episode(a, 'closed long ago', 60);
    await notification(closedLongAgo, a, 'FAILURE', 'n-closed-long-ago-failure', 100);
    await notification(closedLongAgo, a, 'RECOVERY', 'n-closed-long-ago-recovery', 60);
    await token(closedLongAgo, 't-of-closed-episode', 90, null);
    const closedRecently = await episode(b, 'closed recently', 5);
    await notification(closedRecently, b, 'FAILURE', 'n-old-of-recently-closed', 100);
    await notification(closedRecently, b, 'RECOVERY', 'n-recent-recovery', 5);
    const open = await episode(c, 'still open', null);
    await notification(open, c, 'FAILURE', 'n-old-of-open-episode', 100);
    await token(open, 't-used-long-ago', -10, 40);
    await token(open, 't-expired-long-ago', 40, null);
    await token(open, 't-used-recently', -10, 5);
    await token(open, 't-usable', -3, null);

    expect(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)).toMatchObject({ every: 300 });

    const runs = async () => (await t.db.query('SELECT job_id FROM recalc_run ORDER BY id')).map((r: { job_id: string }) => r.job_id);
    await eventually(async () => !(await runs()).includes('old-failed'), 20_000);
    await eventually(async () => (await t.db.query(`SELECT 1 FROM retry_token WHERE convert_from(token_hash, 'UTF8') = 't-expired-long-ago'`)).length === 0, 20_000);

    expect(await runs()).toEqual(['old-queued', 'old-running', 'recent-completed', 'b-old-latest']);
    const episodes = (await t.db.query('SELECT error_message FROM failure_episode ORDER BY id')).map((r: { error_message: string }) => r.error_message);
    expect(episodes).toEqual(['closed recently', 'still open']);
    const notes = (await t.db.query('SELECT message FROM notification ORDER BY id')).map((r: { message: string }) => r.message);
    expect(notes).toEqual(['n-recent-recovery', 'n-old-of-open-episode']);
    const tokens = (await t.db.query(`SELECT convert_from(token_hash, 'UTF8') AS label FROM retry_token ORDER BY id`)).map((r: { label: string }) => r.label);
    expect(tokens).toEqual(['t-used-recently', 't-usable']);
  });
});
