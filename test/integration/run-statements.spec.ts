import { seedSeason, SeededBoard, sqlStandings } from '../../bench/seed';
import { MARK_COMMITS_ASYNC } from '../../src/leaderboards/recalculation/runs.repository';
import { RecalculationRunner } from '../../src/leaderboards/recalculation/recalculation-runner';
import { recordingQueries, statementsOf } from '../support/queries';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A run's row writes are parts of its closing statement (RecalculationRunner): the changed rows
 * travel in that statement when they are few, through the staging table's COPY when they are
 * many (a first run of 1 500 entries is well past the inline limit). Either way the standings
 * are the hand-written SQL's, and the counts the run reports and records are the rows that
 * changed.
 */
describe('recalculation: row writes in the closing statement', () => {
  let t: TestApp;
  let board: SeededBoard;
  let runs = 0;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    board = await seedSeason(t.db, { events: 3, categories: 1, riders: 1_500 });
  });
  afterAll(() => t?.close());

  async function run() {
    const jobId = `statements-${process.pid}-${++runs}`;
    const outcome = await t.app.get(RecalculationRunner).run({ jobId, leaderboardId: board.leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1 });
    if (outcome.kind !== 'completed') throw new Error(`run ${outcome.kind}: ${outcome.error}`);
    const [recorded] = await t.db.query('SELECT rows_inserted, rows_updated, rows_deleted, status FROM recalc_run WHERE job_id = $1', [jobId]);
    return { write: outcome.write!, recorded, waitedForDisk: outcome.waitedForDisk };
  }

  /** Runs the board while recording each pipeline (common/database/pipeline.ts) it sends, as its statements' full texts. */
  async function runRecordingPipelines() {
    const { result, sent } = await recordingQueries(run);
    // A pipeline's `text` is the trace's label (each statement cut short); its statements are its own.
    return { ...result, sent: sent.map((q) => statementsOf(q.query)).filter((s): s is string[] => s !== null) };
  }

  /** Swaps the first two of the board's first race: a change that moves standings rows. */
  const editOneRace = () => t.db.query(
    `WITH race AS (SELECT id FROM result_set WHERE event_id IS NOT NULL ORDER BY id LIMIT 1)
     UPDATE race_result SET position = 3 - position WHERE result_set_id = (SELECT id FROM race) AND position IN (1, 2)`,
  );

  /** Each standings row's values by key. */
  async function snapshot(): Promise<Map<string, string>> {
    const rows: { group_key: string; v: string }[] = await t.db.query(
      `SELECT r.group_key, concat_ws('|', r.position, r.points, r.seq, r.breakdown::text) AS v FROM race_result r
         JOIN result_set s ON s.id = r.result_set_id WHERE s.leaderboard_id = $1 AND s.state <> 'R' AND r.group_key IS NOT NULL`,
      [board.leaderboardId],
    );
    return new Map(rows.map((row) => [row.group_key, row.v]));
  }

  async function expectTheSqlStandings(): Promise<void> {
    const stored: { participant_id: number; points: number; position: number }[] = await t.db.query(
      `SELECT r.participant_id, r.points, r.position FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.leaderboard_id = $1 AND s.state <> 'R' AND r.group_key IS NOT NULL ORDER BY r.points DESC, r.participant_id`,
      [board.leaderboardId],
    );
    expect(stored).toEqual(await sqlStandings(t.db, board));
  }

  const changedBetween = (before: Map<string, string>, after: Map<string, string>) => ({
    changed: [...after].filter(([key, v]) => before.has(key) && before.get(key) !== v).length,
    added: [...after.keys()].filter((key) => !before.has(key)).length,
    dropped: [...before.keys()].filter((key) => !after.has(key)).length,
  });

  it('a first run (staged by COPY) inserts every entry; an edit (staged inline) rewrites only what changed; a dropped rider is deleted', async () => {
    const first = await run();
    expect(first.write).toMatchObject({ inserted: 1_500, updated: 0, deleted: 0 });
    expect(first.recorded).toEqual({ rows_inserted: 1_500, rows_updated: 0, rows_deleted: 0, status: 'completed' });
    await expectTheSqlStandings();
    // The premise: the first run's breakdowns alone are past the inline limit (256 KB of JSON).
    const [{ chars }] = await t.db.query(
      `SELECT sum(length(r.breakdown::text))::int AS chars FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.leaderboard_id = $1 AND r.group_key IS NOT NULL`,
      [board.leaderboardId],
    );
    expect(chars).toBeGreaterThan(256 * 1024);

    // One edit: the first two of one race swap places.
    let before = await snapshot();
    await editOneRace();
    const edit = await run();
    let diff = changedBetween(before, await snapshot());
    expect(diff.changed).toBeGreaterThan(0);
    // The premise: few enough to go inline (their JSON within 256 KB; each is found by its id).
    expect(diff.changed).toBeLessThan(100);
    expect(edit.write).toMatchObject({ inserted: 0, updated: diff.changed, deleted: 0 });
    expect(edit.recorded).toEqual({ rows_inserted: 0, rows_updated: diff.changed, rows_deleted: 0, status: 'completed' });
    await expectTheSqlStandings();

    // The same board again: nothing changed, nothing written.
    expect((await run()).write).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });

    // A rider's every race result removed (not the standings row): the entry is deleted, and those behind move up.
    before = await snapshot();
    await t.db.query(
      `DELETE FROM race_result WHERE group_key IS NULL AND participant_id = (SELECT participant_id FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.leaderboard_id = $1 AND r.position = 1 LIMIT 1)`,
      [board.leaderboardId],
    );
    const drop = await run();
    diff = changedBetween(before, await snapshot());
    expect(diff.dropped).toBe(1);
    expect(drop.write).toMatchObject({ inserted: 0, updated: diff.changed, deleted: 1 });
    expect(drop.recorded).toEqual({ rows_inserted: 0, rows_updated: diff.changed, rows_deleted: 1, status: 'completed' });
    await expectTheSqlStandings();
  });

  it('the "running" mark commits on its own without waiting for the disk; a run that changes rows waits for its own commit', async () => {
    await editOneRace();
    const { recorded, write, waitedForDisk, sent } = await runRecordingPipelines();
    expect(recorded.status).toBe('completed');
    expect(write.updated).toBeGreaterThan(0);
    expect(waitedForDisk).toBe(true);
    const [opening, closing] = [sent[0], sent.at(-1)!];
    // SET LOCAL holds until its transaction ends: the mark's, committed before the run's BEGIN.
    expect(opening.slice(0, 5).map((s) => s.slice(0, 22))).toEqual(['BEGIN', MARK_COMMITS_ASYNC.text.slice(0, 22), 'INSERT INTO recalc_run', 'COMMIT', 'BEGIN']);
    expect(opening.filter((s) => s.includes('synchronous_commit'))).toHaveLength(1);
    expect(closing.at(-1)).toBe('COMMIT');
    expect(closing.some((s) => s.includes('synchronous_commit'))).toBe(false);
    // The run's transaction commits with the database's setting (on): a completed run, once
    // answered, is on disk, and with it every WAL record before its commit, the mark's included.
    const [{ synchronous_commit }] = await t.db.query('SHOW synchronous_commit');
    expect(synchronous_commit).toBe('on');
  });

  it('a quiet run (no row, state or episode changed) commits without waiting for the disk; one that closes a failure episode waits', async () => {
    await run();
    const quiet = await runRecordingPipelines();
    expect(quiet.write).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(quiet.recorded.status).toBe('completed');
    expect(quiet.waitedForDisk).toBe(false);
    // Decided in the closing statement (set_config is SET LOCAL), sent before COMMIT in one pipeline.
    const closing = quiet.sent.at(-1)!;
    expect(closing.at(-1)).toBe('COMMIT');
    expect(closing.filter((s) => s.includes("set_config('synchronous_commit'"))).toHaveLength(1);
    // An open failure episode (its set not FAILED, so the write is still quiet): closing it sends
    // a recovery email, which must not be lost, so that commit waits.
    await t.db.query(`INSERT INTO failure_episode (leaderboard_id, error_message) VALUES ($1, 'an earlier failure')`, [board.leaderboardId]);
    const recovering = await run();
    expect(recovering.write).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(recovering.waitedForDisk).toBe(true);
    const notices = await t.db.query(`SELECT kind FROM notification WHERE leaderboard_id = $1`, [board.leaderboardId]);
    expect(notices).toEqual([{ kind: 'RECOVERY' }]);
    // SET LOCAL ended with its transaction: the pool's sessions are back on the database's setting.
    const settings = await Promise.all(Array.from({ length: 4 }, () => t.db.query('SHOW synchronous_commit')));
    expect(settings.map(([row]) => row.synchronous_commit)).toEqual(['on', 'on', 'on', 'on']);
  });
});
