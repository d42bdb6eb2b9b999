import { RecalculationRunner } from '../../src/leaderboards/recalculation/recalculation-runner';
import { seedSeason } from '../../bench/seed';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Standings breakdowns are stored compressed with lz4 (migration BreakdownLz4 and the writer's
 * staging table): less COPY time for a first run than pglz, same jsonb for every reader.
 */
describe('breakdown storage: jsonb, compressed with lz4', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
  });
  afterAll(() => t?.close());

  it('writes the breakdowns of a first run and of an edit with lz4, and reads them back unchanged', async () => {
    const [{ lz4 }] = await t.db.query(`SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
    // 30 events: each breakdown is a few KB, past the size PostgreSQL compresses at (about 2 KB).
    const board = await seedSeason(t.db, { events: 30, categories: 1, riders: 12 });
    const run = async (jobId: string) => {
      const outcome = await t.app.get(RecalculationRunner).run({ jobId, leaderboardId: board.leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1 });
      expect(outcome.kind).toBe('completed');
    };
    const methods = async (): Promise<Record<string, number>> => {
      const rows: { method: string | null; n: number }[] = await t.db.query(
        `SELECT pg_column_compression(r.breakdown) AS method, count(*)::int AS n FROM race_result r JOIN result_set s ON s.id = r.result_set_id
          WHERE s.leaderboard_id = $1 AND r.group_key IS NOT NULL GROUP BY 1`,
        [board.leaderboardId],
      );
      return Object.fromEntries(rows.map((r) => [String(r.method), r.n]));
    };
    await run('lz4-first');
    expect(await methods()).toEqual(lz4 ? { lz4: 12 } : { pglz: 12 });
    const [{ compression }] = await t.db.query(
      `SELECT attcompression AS compression FROM pg_attribute WHERE attrelid = 'race_result'::regclass AND attname = 'breakdown'`,
    );
    expect(compression).toBe(lz4 ? 'l' : '');

    // An edit rewrites the breakdowns of the two riders it swaps, lz4 again; jsonb reads them as before.
    await t.db.query(
      `WITH race AS (SELECT id FROM result_set WHERE event_id IS NOT NULL ORDER BY id LIMIT 1)
       UPDATE race_result SET position = 3 - position WHERE result_set_id = (SELECT id FROM race) AND position IN (1, 2)`,
    );
    await run('lz4-edit');
    expect(await methods()).toEqual(lz4 ? { lz4: 12 } : { pglz: 12 });
    const [{ events }] = await t.db.query(
      `SELECT min(jsonb_array_length(r.breakdown->'counted') + jsonb_array_length(r.breakdown->'dropped'))::int AS events
         FROM race_result r JOIN result_set s ON s.id = r.result_set_id WHERE s.leaderboard_id = $1 AND r.group_key IS NOT NULL`,
      [board.leaderboardId],
    );
    expect(events).toBe(30);
  });
});
