import { expand } from '../../src/calculators/breakdown-form';
import { RecalculationRunner } from '../../src/leaderboards/recalculation/recalculation-runner';
import { BreakdownText1796300000000 } from '../../src/migrations/1796300000000-BreakdownText';
import { seedSeason } from '../../bench/seed';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

/**
 * Standings breakdowns are stored as compact text (breakdown-form.ts, migration BreakdownText),
 * compressed with lz4 where the server has it (migration BreakdownLz4 and the writer's staging
 * table): PostgreSQL parses no JSON on a first run, and every reader expands the text to the
 * object jsonb gave.
 */
describe('breakdown storage: compact text, compressed with lz4', () => {
  let t: TestApp;
  let board: { leaderboardId: number };

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    // 60 events: each breakdown is a few KB even in the compact form, past the size PostgreSQL compresses at (about 2 KB).
    board = await seedSeason(t.db, { events: 60, categories: 1, riders: 12 });
    // Dropped lines (with their reason) and tie-breaks in the breakdowns too.
    await t.db.query(`UPDATE leaderboard SET drop_worst = 2, tie_breaks = '{COUNTBACK,MOST_RECENT}' WHERE id = $1`, [board.leaderboardId]);
  });
  afterAll(() => t?.close());

  const run = async (jobId: string) => {
    const outcome = await t.app.get(RecalculationRunner).run({ jobId, leaderboardId: board.leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1 });
    expect(outcome.kind).toBe('completed');
  };
  /** The standings rows' breakdowns as stored, by row id. */
  const storedRows = async (): Promise<{ id: number; breakdown: string }[]> => t.db.query(
    `SELECT r.id, r.breakdown FROM race_result r JOIN result_set s ON s.id = r.result_set_id
      WHERE s.leaderboard_id = $1 AND s.state <> 'R' AND r.group_key IS NOT NULL ORDER BY r.id`,
    [board.leaderboardId],
  );
  const columnType = async (): Promise<string> =>
    (await t.db.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'race_result'::regclass AND attname = 'breakdown'`))[0].type;
  /** The API's standings answer, its body as sent (`limit` varies it past the render cache). */
  const answer = async (limit: number): Promise<string> =>
    (await t.http().get(`/api/leaderboards/${board.leaderboardId}/standings?limit=${limit}`).set(AUTH).expect(200)).text;

  it('writes the breakdowns of a first run and of an edit as compact text with lz4, and reads them back', async () => {
    const [{ lz4 }] = await t.db.query(`SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
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
    expect(await columnType()).toBe('text');
    expect((await storedRows()).every((r) => r.breakdown.startsWith('[[['))).toBe(true);

    // An edit rewrites the breakdowns of the two riders it swaps, lz4 again; they read as before.
    await t.db.query(
      `WITH race AS (SELECT id FROM result_set WHERE event_id IS NOT NULL ORDER BY id LIMIT 1)
       UPDATE race_result SET position = 3 - position WHERE result_set_id = (SELECT id FROM race) AND position IN (1, 2)`,
    );
    await run('lz4-edit');
    expect(await methods()).toEqual(lz4 ? { lz4: 12 } : { pglz: 12 });
    const events = (await storedRows()).map((r) => { const b = expand(r.breakdown); return b.counted.length + b.dropped.length; });
    expect(Math.min(...events)).toBe(60);
    expect(Math.min(...(await storedRows()).map((r) => expand(r.breakdown).dropped.length))).toBe(2);
  });

  it('migration BreakdownText: down gives jsonb that PostgreSQL reads as the API answered; up gives back the same text and answers', async () => {
    const texts = await storedRows();
    const before = await answer(99);
    const entries: { breakdown: unknown }[] = JSON.parse(before).entries;
    expect(entries).toHaveLength(12);
    const migration = new BreakdownText1796300000000(5); // batches of 5 rows: several batches here
    const runner = t.db.createQueryRunner();
    try {
      await runner.startTransaction();
      await migration.down(runner);
      await runner.commitTransaction();
      expect(await columnType()).toBe('jsonb');
      // jsonb's own text (keys in jsonb's order) is what the API answered for each entry.
      const jsonb: { breakdown: string }[] = await t.db.query(
        `SELECT r.breakdown::text AS breakdown FROM race_result r JOIN result_set s ON s.id = r.result_set_id
          WHERE s.leaderboard_id = $1 AND s.state <> 'R' AND r.group_key IS NOT NULL ORDER BY r.seq`,
        [board.leaderboardId],
      );
      expect(jsonb.map((r) => JSON.stringify(JSON.parse(r.breakdown)))).toEqual(entries.map((e) => JSON.stringify(e.breakdown)));

      // A breakdown of another shape (none is written today) comes through as jsonb had it.
      const odd = '{"zeta": 1, "a": [{"bb": 2, "a": "x"}], "counted": [], "dropped": [], "tieBreak": null}';
      await t.db.query(`UPDATE race_result SET breakdown = $2::jsonb WHERE id = $1`, [texts[0].id, odd]);
      const [{ oddText }] = await t.db.query(`SELECT breakdown::text AS "oddText" FROM race_result WHERE id = $1`, [texts[0].id]);

      await runner.startTransaction();
      await migration.up(runner);
      await runner.commitTransaction();
      expect(await columnType()).toBe('text');
      const after = await storedRows();
      expect(after.slice(1)).toEqual(texts.slice(1));
      expect(JSON.stringify(expand(after[0].breakdown))).toBe(JSON.stringify(JSON.parse(oddText)));
      await t.db.query(`UPDATE race_result SET breakdown = $2 WHERE id = $1`, [texts[0].id, texts[0].breakdown]);
      // Byte for byte the same answer (but the limit it was asked with: another one passes the render cache).
      expect((await answer(98)).replace('"limit":98,', '"limit":99,')).toBe(before);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
