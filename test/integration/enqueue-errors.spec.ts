import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { RecalcListener } from '../../src/leaderboards/recalculation/recalc.listener';
import { RECALC_QUEUE } from '../../src/common/queue/queue-names';
import { Fixtures, rider } from '../support/fixtures';
import { eventually, startTestApp, TestApp } from '../support/test-app';

describe('enqueue errors', () => {
  let t: TestApp;
  let fx: Fixtures;

  // An API process: no worker or sweeper uses the queue besides the listener.
  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    fx = new Fixtures(t);
  });
  afterAll(() => t?.close());

  it('a failed enqueue is counted, the change stays committed and its board stays pending for the sweeper', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boardId = await fx.leaderboard({ seriesId, name: 'Enqueue errors', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['E'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'E');
    const listener = t.app.get(RecalcListener);
    const before = listener.enqueueFailures;

    // The queue's Redis connection goes away: every enqueue of this process now fails.
    await t.app.get<Queue>(getQueueToken(RECALC_QUEUE)).close();
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);

    await eventually(async () => listener.enqueueFailures > before);
    const rows = await t.db.query('SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1', [setId]);
    expect(rows[0].n).toBe(2); // the change itself is committed
    const [mark] = await t.db.query('SELECT results_version, standings_version FROM recalc_outbox WHERE leaderboard_id = $1', [boardId]);
    expect(Number(mark.results_version)).toBeGreaterThan(Number(mark.standings_version)); // pending: the sweeper's to enqueue
  });
});
