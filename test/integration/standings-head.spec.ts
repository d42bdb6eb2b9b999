import { Fixtures, rider } from '../support/fixtures';
import { settled } from '../support/sync';
import { StandingsRowsRepository } from '../../src/leaderboards/standings/standings-rows.repository';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The standings head's entry count (`total`) is counted once per set and version
 * (StandingsRowsRepository's CountedHeads) instead of on every request.
 */
describe('standings total, counted once per standings version', () => {
  let t: TestApp;
  let fx: Fixtures;
  let boardId: number;
  let raceId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '500', RECALC_SWEEP_INTERVAL_MS: '250' });
    fx = new Fixtures(t);
    const seriesId = await fx.series();
    const scaleId = await fx.scale();
    boardId = await fx.leaderboard({ seriesId, name: 'Head', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Head A'] });
    raceId = await fx.resultSet(await fx.event(seriesId), 'Head A');
  });
  afterAll(() => t?.close());

  const total = async (): Promise<number> =>
    (await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200)).body.total;
  const riders = (n: number) => Array.from({ length: n }, (_, i) => rider(`Rider${i}`, 'Head', { position: i + 1 }));

  it('follows every run that changes the number of entries', async () => {
    await fx.replaceRows(raceId, riders(3));
    await settled(t, boardId);
    expect(await total()).toBe(3);
    expect(await total()).toBe(3);

    await fx.replaceRows(raceId, riders(5));
    await settled(t, boardId);
    expect(await total()).toBe(5);

    await fx.replaceRows(raceId, riders(2));
    await settled(t, boardId);
    expect(await total()).toBe(2);
  });

  it('is kept for the same set at the same version, and counted again at a new version', async () => {
    await fx.replaceRows(raceId, riders(4));
    await settled(t, boardId);
    expect(await total()).toBe(4);
    // The repository itself: the API also keeps whole answers by version, which would hide the count.
    const headTotal = async (): Promise<number> => (await t.app.get(StandingsRowsRepository).head(t.db, boardId))!.total;
    expect(await headTotal()).toBe(4);
    const [set] = await t.db.query(
      'SELECT id FROM result_set WHERE leaderboard_id = $1 ORDER BY id DESC LIMIT 1', [boardId]);

    // A row removed behind the writer's back, without the version every run sets: the kept
    // count is what the head gives (it was not counted again), which is what makes it cheap.
    await t.db.query(`DELETE FROM race_result WHERE id = (SELECT max(id) FROM race_result WHERE result_set_id = $1 AND group_key IS NOT NULL)`, [set.id]);
    expect(await headTotal()).toBe(4);

    // The same set at a new version (what every run's closing statement sets) is counted again.
    await t.db.query(`UPDATE result_set SET updated_at = now() WHERE id = $1`, [set.id]);
    expect(await headTotal()).toBe(3);
    expect(await total()).toBe(3);
  });
});
