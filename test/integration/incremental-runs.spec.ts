import fc from 'fast-check';
import { computeStandings, computeStandingsTable } from '../../src/calculators';
import { expand } from '../../src/calculators/breakdown-form';
import { toPackedInput } from '../../src/calculators/packed';
import { OneStatement } from '../../src/common/database/one-statement';
import type { ComputeInput, EventInput, RaceResultInput, Status } from '../../src/calculators/types';
import { toLeaderboardConfig, toPointsScaleConfig } from '../../src/leaderboards/board-config';
import { LeaderboardsRepository } from '../../src/leaderboards/leaderboards.repository';
import { FingerprintMemo } from '../../src/leaderboards/recalculation/fingerprint-memo';
import { RacePackMemo } from '../../src/leaderboards/recalculation/race-pack-memo';
import { RecalculationRunner } from '../../src/leaderboards/recalculation/recalculation-runner';
import { StandingsRowsRepository } from '../../src/leaderboards/standings/standings-rows.repository';
import { Fixtures, rider } from '../support/fixtures';
import { recordingQueries, sqlOf } from '../support/queries';
import { AUTH, startTestApp, TestApp } from '../support/test-app';
import { oracle } from '../unit/calculators/oracle';

/**
 * Incremental runs (issue 16, target 3): a worker keeps the races it decoded between runs
 * (RacePackMemo) and after an edit reads only the races whose pack changed. Whatever the edits,
 * its standings must be those of a full computation. Random edit sequences (places, statuses,
 * rows added and removed, whole result sets replaced, board, scale and event edits) run against
 * one board, a run after each; the stored rows are compared row for row with the calculators
 * run on the race rows read afresh by plain SQL (no pack, no memo), with the brute-force
 * oracle's totals, and with a full run of the worker (memos emptied, packs cleared), which must
 * find nothing to write. The standings set's fingerprints are kept too (FingerprintMemo), and
 * used only while the set has the token they were kept with.
 */
const RIDERS = ['Ann Lee', 'Bo Chen', 'Cy Diaz', 'Di Evans', 'Ed Fox', 'Flo Gray', 'Gus Hall', 'Hal Ito', 'Ida Jones', 'Jo King'];
const CATEGORIES = ['A', 'B'];
const EVENTS = 3;
const STATUSES: Status[] = ['FIN', 'DNF', 'DNS', 'DSQ'];

type Edit =
  | { kind: 'place'; set: number; row: number; place: number }
  | { kind: 'status'; set: number; row: number; status: Status }
  | { kind: 'add'; set: number; rider: number; place: number }
  | { kind: 'remove'; set: number; row: number }
  | { kind: 'replace'; set: number; riders: number[] }
  | { kind: 'board'; bestOf: number | null; missed: 'NONE' | 'DNC' }
  | { kind: 'scale'; table: number[] }
  | { kind: 'multiplier'; event: number; multiplier: number };

const setArb = fc.nat({ max: EVENTS * CATEGORIES.length - 1 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('place' as const), set: setArb, row: fc.nat(20), place: fc.integer({ min: 1, max: 8 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('status' as const), set: setArb, row: fc.nat(20), status: fc.constantFrom(...STATUSES) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('add' as const), set: setArb, rider: fc.nat(RIDERS.length - 1), place: fc.integer({ min: 1, max: 8 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), set: setArb, row: fc.nat(20) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), set: setArb, riders: fc.uniqueArray(fc.nat(RIDERS.length - 1), { minLength: 0, maxLength: 6 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('board' as const), bestOf: fc.constantFrom(null, 1, 2), missed: fc.constantFrom('NONE' as const, 'DNC' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('scale' as const), table: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('multiplier' as const), event: fc.nat(EVENTS - 1), multiplier: fc.constantFrom(1, 2, 0.5) }), weight: 1 },
);

describe('incremental runs: the same standings as a full computation, after any edits', () => {
  let t: TestApp;
  let fx: Fixtures;
  let boardId: number;
  let scaleId: number;
  let eventIds: number[] = [];
  let setIds: number[] = [];
  let runs = 0;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    fx = new Fixtures(t);
    const seriesId = await fx.series();
    scaleId = await fx.scale({ name: 'Top 6', kind: 'TABLE', table: [10, 6, 4, 3, 2, 1] });
    boardId = await fx.leaderboard({ seriesId, name: 'Incremental', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: CATEGORIES });
    for (let e = 0; e < EVENTS; e++) eventIds.push(await fx.event(seriesId, { name: `Round ${e + 1}`, date: `2026-04-0${e + 1}` }));
    for (const eventId of eventIds) for (const category of CATEGORIES) setIds.push(await fx.resultSet(eventId, category));
    // Every rider once, so that every name has a participant row for the SQL edits.
    await fx.replaceRows(setIds[0], RIDERS.map((name, i) => riderNamed(name, i + 1)));
  });
  afterAll(() => t?.close());

  function riderNamed(name: string, place: number): object {
    const [first, last] = name.split(' ');
    return rider(first, last, { position: place });
  }

  async function recalculate(): Promise<{ inserted: number; updated: number; deleted: number }> {
    const outcome = await t.app.get(RecalculationRunner).run({
      jobId: `incremental-${process.pid}-${++runs}`, leaderboardId: boardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
    });
    if (outcome.kind !== 'completed') throw new Error(`run ${outcome.kind}: ${'error' in outcome ? outcome.error : ''}`);
    const { inserted, updated, deleted } = outcome.write!;
    return { inserted, updated, deleted };
  }

  /** The row `row` (modulo the set's size) of a race set, by id; null when the set is empty. */
  async function nthRow(setId: number, row: number): Promise<number | null> {
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1', [setId]);
    if (n === 0) return null;
    const [{ id }] = await t.db.query('SELECT id FROM race_result WHERE result_set_id = $1 ORDER BY id OFFSET $2 LIMIT 1', [setId, row % n]);
    return id;
  }

  async function apply(edit: Edit): Promise<void> {
    switch (edit.kind) {
      case 'place': {
        const id = await nthRow(setIds[edit.set], edit.row);
        if (id !== null) await t.db.query(`UPDATE race_result SET position = $2, status = 'FIN' WHERE id = $1`, [id, edit.place]);
        return;
      }
      case 'status': {
        const id = await nthRow(setIds[edit.set], edit.row);
        if (id !== null) await t.db.query(`UPDATE race_result SET status = $2, position = CASE WHEN $2 = 'FIN' THEN COALESCE(position, 1) END WHERE id = $1`, [id, edit.status]);
        return;
      }
      case 'add': {
        const [first, last] = RIDERS[edit.rider].split(' ');
        await t.db.query(
          `INSERT INTO race_result (result_set_id, participant_id, category, position, status)
           SELECT $1, p.id, s.category, $4, 'FIN' FROM participant p, result_set s
            WHERE s.id = $1 AND p.first_name = $2 AND p.last_name = $3
              AND NOT EXISTS (SELECT FROM race_result r WHERE r.result_set_id = $1 AND r.participant_id = p.id)`,
          [setIds[edit.set], first, last, edit.place],
        );
        return;
      }
      case 'remove': {
        const id = await nthRow(setIds[edit.set], edit.row);
        if (id !== null) await t.db.query('DELETE FROM race_result WHERE id = $1', [id]);
        return;
      }
      case 'replace':
        return fx.replaceRows(setIds[edit.set], edit.riders.map((r, i) => riderNamed(RIDERS[r], i + 1)));
      case 'board':
        await t.http().patch(`/api/leaderboards/${boardId}`).set(AUTH).send({ bestOf: edit.bestOf, missed: edit.missed }).expect(200);
        return;
      case 'scale':
        await t.http().patch(`/api/points-scales/${scaleId}`).set(AUTH).send({ table: edit.table }).expect(200);
        return;
      case 'multiplier':
        await t.http().patch(`/api/events/${eventIds[edit.event]}`).set(AUTH).send({ pointsMultiplier: edit.multiplier }).expect(200);
        return;
    }
  }

  /** The board's live standings set: its id, token, and its rows' ids and fingerprints by key. */
  async function liveSet(): Promise<{ id: number; token: string | null; rows: Map<string, { id: number; fingerprint: string }> }> {
    const [set]: { id: number; token: string | null }[] = await t.db.query(
      `SELECT id, standings_fingerprints_token AS token FROM result_set WHERE leaderboard_id = $1 AND state <> 'R'`, [boardId]);
    const rows: { key: string; id: number; fingerprint: string }[] = await t.db.query(
      `SELECT group_key AS key, id, fingerprint FROM race_result WHERE result_set_id = $1`, [set.id]);
    return { ...set, rows: new Map(rows.map((r) => [r.key, { id: r.id, fingerprint: r.fingerprint }])) };
  }

  /** The board's stored standings rows, in order. */
  async function stored(): Promise<{ key: string; position: number | null; points: number; seq: number; name: string; group: string | null; category: string | null; breakdown: unknown; fingerprint: string }[]> {
    const rows: { breakdown: string }[] = await t.db.query(
      `SELECT r.group_key AS key, r.position, r.points, r.seq, r.name, r.group_name AS group, r.category, r.breakdown, r.fingerprint
         FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.leaderboard_id = $1 AND s.state <> 'R' ORDER BY r.seq`,
      [boardId],
    );
    // Stored as compact text (breakdown-form.ts): compared as the object it expands to.
    return rows.map((row) => ({ ...row, breakdown: expand(row.breakdown) })) as never;
  }

  /** The board's input as the calculators' objects, read from the race rows by plain SQL. */
  async function freshInput(): Promise<ComputeInput> {
    // The run's own read of the definition (its part of the opening statement).
    const { def, scale, registeredCodes } = await t.db.transaction(async (manager) => {
      const boards = t.app.get(LeaderboardsRepository);
      const opening = new OneStatement();
      boards.addRunDefinition(manager, opening, 'l');
      return boards.runDefinitionOf(manager, boardId, await opening.run(manager, `leaderboard l WHERE l.id = ${opening.param(boardId)}`));
    });
    const events: EventInput[] = await t.db.query(
      `SELECT id, name, to_char(date, 'YYYY-MM-DD') AS date, starred, points_multiplier::float8 AS "pointsMultiplier" FROM event WHERE series_id = $1`,
      [def.board.seriesId],
    );
    const rows: { id: number; eventId: number; category: string; participantId: number; participantName: string; position: number | null; status: Status; timeMs: number | null }[] = await t.db.query(
      `SELECT r.id, s.event_id AS "eventId", s.category, r.participant_id AS "participantId", p.first_name || ' ' || p.last_name AS "participantName",
              r.position, r.status, r.time_ms AS "timeMs"
         FROM race_result r JOIN result_set s ON s.id = r.result_set_id JOIN participant p ON p.id = r.participant_id
        WHERE s.id = ANY($1::int[]) AND s.state IN ('P', 'A')`,
      [setIds],
    );
    const results: RaceResultInput[] = rows.map((r) => ({ ...r, custom1: null, custom2: null, custom3: null }));
    return { scale: toPointsScaleConfig(scale, registeredCodes), board: toLeaderboardConfig(def), events, results };
  }

  async function expectFullComputation(): Promise<void> {
    const rows = await stored();
    const input = await freshInput();
    const expected = computeStandings(input).entries;
    expect(rows.map(({ fingerprint: _, ...row }) => row)).toEqual(expected.map((e) => ({
      key: e.key, position: e.position, points: e.points, seq: e.seq, name: e.name, group: e.group, category: e.category, breakdown: e.breakdown,
    })));
    const { totals } = oracle(input);
    expect(new Map(rows.map((r) => [r.key, Math.round(r.points * 1000)]))).toEqual(totals);
  }

  it('after each edit of a random sequence, the incremental run stores what a full computation gives, row for row', async () => {
    await recalculate();
    const memo = t.app.get(RacePackMemo);
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 6 }), async (edits) => {
        for (const edit of edits) {
          await apply(edit);
          await recalculate();
          await expectFullComputation();
          // What the worker keeps of the standings set is what it holds: every row's id and fingerprint.
          const live = await liveSet();
          expect(t.app.get(FingerprintMemo).get(boardId, live.id, live.token)).toEqual(live.rows);
        }
        // The memo was used: after a run, every published race with results is kept.
        expect(memo.size.races).toBeGreaterThan(0);
        // A full run of the worker (nothing kept, every pack made again from the rows) finds nothing to change.
        const before = await stored();
        memo.clear();
        t.app.get(FingerprintMemo).clear();
        await t.db.query('UPDATE result_set SET packed_results = NULL WHERE id = ANY($1::int[])', [setIds]);
        expect(await recalculate()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
        expect(await stored()).toEqual(before);
      }),
      { numRuns: 25 },
    );
  }, 240_000);

  it('a race whose pack changed is read again, one whose pack did not is not', async () => {
    const memo = t.app.get(RacePackMemo);
    await fx.replaceRows(setIds[1], [riderNamed('Ann Lee', 1), riderNamed('Bo Chen', 2)]);
    await recalculate();
    const [before]: { digest: string }[] = await t.db.query(`SELECT encode(packed_sha256, 'hex') AS digest FROM result_set WHERE id = $1`, [setIds[1]]);
    // Swapped places, then swapped back: the pack's bytes, and so its digest, are as before.
    await t.db.query(`UPDATE race_result SET position = 3 - position WHERE result_set_id = $1`, [setIds[1]]);
    expect((await t.db.query('SELECT packed_sha256 FROM result_set WHERE id = $1', [setIds[1]]))[0].packed_sha256).toBeNull();
    await recalculate();
    await expectFullComputation();
    const [swapped]: { digest: string }[] = await t.db.query(`SELECT encode(packed_sha256, 'hex') AS digest FROM result_set WHERE id = $1`, [setIds[1]]);
    expect(swapped.digest).not.toBe(before.digest);
    expect(memo.get(setIds[1], swapped.digest)).not.toBeNull();
    expect(memo.get(setIds[1], before.digest)).toBeNull();
    await t.db.query(`UPDATE race_result SET position = 3 - position WHERE result_set_id = $1`, [setIds[1]]);
    await recalculate();
    await expectFullComputation();
    const [back]: { digest: string }[] = await t.db.query(`SELECT encode(packed_sha256, 'hex') AS digest FROM result_set WHERE id = $1`, [setIds[1]]);
    expect(back.digest).toBe(before.digest);
    expect(memo.get(setIds[1], back.digest)).not.toBeNull();
  });

  it('a memo entry whose content is not what the digest says is never used: the digest is the pack\'s own', async () => {
    // A worker restart (an empty memo) and a flushed Redis leave the standings as they are.
    const memo = t.app.get(RacePackMemo);
    await recalculate();
    const before = await stored();
    memo.clear();
    expect(await recalculate()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(await stored()).toEqual(before);
    // A stale entry (kept under a digest the set no longer has) is passed over.
    const [{ digest }]: { digest: string }[] = await t.db.query(`SELECT encode(packed_sha256, 'hex') AS digest FROM result_set WHERE id = $1`, [setIds[0]]);
    memo.keep(setIds[0], 'f'.repeat(64), new Int32Array(8).fill(1));
    expect(await recalculate()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(memo.get(setIds[0], digest)).not.toBeNull();
    await expectFullComputation();
  });

  it('kept fingerprints are used while the set has their token, and passed over once another writer changed it', async () => {
    const fingerprints = t.app.get(FingerprintMemo);
    await recalculate();
    const live = await liveSet();
    expect(live.token).not.toBeNull();
    expect(fingerprints.get(boardId, live.id, live.token)).toEqual(live.rows);
    // A run that changes nothing keeps the token.
    expect(await recalculate()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect((await liveSet()).token).toBe(live.token);

    // Another writer (a worker elsewhere) changed a row, and so the token.
    const [row]: { key: string; points: number }[] = await t.db.query(
      `SELECT r.group_key AS key, r.points FROM race_result r WHERE r.result_set_id = $1 ORDER BY r.seq LIMIT 1`, [live.id]);
    await t.db.query(`UPDATE race_result SET points = 999, fingerprint = 'elsewhere' WHERE result_set_id = $1 AND group_key = $2`, [live.id, row.key]);
    await t.db.query('UPDATE result_set SET standings_fingerprints_token = gen_random_uuid() WHERE id = $1', [live.id]);
    expect(fingerprints.get(boardId, live.id, (await liveSet()).token)).toBeNull();

    expect(await recalculate()).toMatchObject({ updated: 1 });
    await expectFullComputation();
    const after = await liveSet();
    expect(after.rows.get(row.key)).toEqual(live.rows.get(row.key));
    expect(fingerprints.get(boardId, after.id, after.token)).toEqual(after.rows);

    // A set with no token (written before tokens): the rows' fingerprints are read, and a token drawn.
    await t.db.query('UPDATE result_set SET standings_fingerprints_token = NULL WHERE id = $1', [live.id]);
    expect(await recalculate()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    const filled = await liveSet();
    expect(filled.token).not.toBeNull();
    expect(fingerprints.get(boardId, filled.id, filled.token)).toEqual(filled.rows);
  });

  it('a worker that kept nothing reads the rows in its opening statement and keeps them under the set\'s token, which stays', async () => {
    const fingerprints = t.app.get(FingerprintMemo);
    const rows = t.app.get(StandingsRowsRepository);
    /** A run of a worker that never ran the board (one just started), with the texts of the queries it sent. */
    const coldRun = async () => {
      fingerprints.clear();
      const { result: outcome, sent } = await recordingQueries(() => t.app.get(RecalculationRunner).run({
        jobId: `incremental-${process.pid}-${++runs}`, leaderboardId: boardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
      }));
      return { outcome, fingerprintReads: sent.filter((q) => sqlOf(q.query).startsWith('SELECT group_key, id, fingerprint')).length };
    };
    await recalculate();
    const live = await liveSet();
    // What this worker keeps is what any other worker that ran the board keeps under this token.
    expect(fingerprints.get(boardId, live.id, live.token)).toEqual(live.rows);

    // The rows' fingerprints come with the opening statement: no statement of their own.
    const cold = await coldRun();
    expect(cold.outcome).toMatchObject({ kind: 'completed', write: { inserted: 0, updated: 0, deleted: 0 } });
    expect(cold.fingerprintReads).toBe(0);
    const after = await liveSet();
    expect(after.token).toBe(live.token);
    expect(after.rows).toEqual(live.rows);
    expect(fingerprints.get(boardId, after.id, after.token)).toEqual(after.rows);
    // Nothing changed and the token stayed: a quiet run (addQuietCommit).
    expect(cold.outcome.kind === 'completed' && cold.outcome.waitedForDisk).toBe(false);

    // A set past the folding limit: its fingerprints are read by a statement of their own, to the same effect.
    rows.foldedFingerprints = live.rows.size - 1;
    try {
      const large = await coldRun();
      expect(large.outcome).toMatchObject({ kind: 'completed', write: { inserted: 0, updated: 0, deleted: 0 } });
      expect(large.fingerprintReads).toBe(1);
      expect((await liveSet()).token).toBe(live.token);
      expect(fingerprints.get(boardId, live.id, live.token)).toEqual(live.rows);
    } finally {
      rows.foldedFingerprints = new StandingsRowsRepository().foldedFingerprints;
    }

    // A cold run after an edit: the changed rows are found from the folded fingerprints, and updated by id.
    await fx.replaceRows(setIds[1], [riderNamed('Bo Chen', 1), riderNamed('Ann Lee', 2), riderNamed('Cy Diaz', 3)]);
    const edited = await coldRun();
    expect(edited.outcome.kind).toBe('completed');
    expect(edited.fingerprintReads).toBe(0);
    await expectFullComputation();
    const changed = await liveSet();
    expect(changed.token).not.toBe(live.token);
    expect(fingerprints.get(boardId, changed.id, changed.token)).toEqual(changed.rows);
  });

  it('a run that rolls back leaves no kept fingerprints that look current', async () => {
    const fingerprints = t.app.get(FingerprintMemo);
    await recalculate();
    const before = await liveSet();
    // The run writes and keeps a new token, then fails at COMMIT (a deferred trigger on the token's change).
    await t.db.query(`CREATE FUNCTION fail_run() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'run fails at commit'; END $$`);
    await t.db.query(`CREATE CONSTRAINT TRIGGER fail_run AFTER UPDATE ON result_set DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                      WHEN (NEW.standings_fingerprints_token IS DISTINCT FROM OLD.standings_fingerprints_token) EXECUTE FUNCTION fail_run()`);
    try {
      await fx.replaceRows(setIds[2], [riderNamed('Cy Diaz', 1), riderNamed('Ann Lee', 2)]);
      const outcome = await t.app.get(RecalculationRunner).run({
        jobId: `incremental-${process.pid}-${++runs}`, leaderboardId: boardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
      });
      expect(outcome.kind).toBe('failed');
    } finally {
      await t.db.query('DROP TRIGGER fail_run ON result_set');
      await t.db.query('DROP FUNCTION fail_run()');
    }
    const rolledBack = await liveSet();
    expect(rolledBack.token).toBe(before.token);
    // The failed run kept nothing (the worker keeps a run's fingerprints once its COMMIT has
    // succeeded): what it holds for the set is the committed rows', under their token.
    expect(fingerprints.get(boardId, rolledBack.id, rolledBack.token)).toEqual(rolledBack.rows);
    expect(rolledBack.rows).toEqual(before.rows);
    await recalculate();
    await expectFullComputation();
  });

  it('the staging table is looked up once per connection, and made again when a rollback or anything else took it', async () => {
    const rows = t.app.get(StandingsRowsRepository);
    const standings = computeStandingsTable(toPackedInput(await freshInput()));
    const qr = t.db.createQueryRunner();
    await qr.connect();
    // Every entry through the staging table (none inline), counted by the closing statement.
    const upsert = async (id: number) => {
      const closing = new OneStatement();
      const { rows: counts } = await rows.upsert(qr.manager, id, standings, new Map(), closing);
      closing.select('inserted', counts.inserted);
      return { inserted: Number((await closing.run<{ inserted: string }>(qr.manager)).inserted) };
    };
    rows.inlineStagingChars = 0;
    // Writes every entry into a REPLACED set of its own, then rolls back.
    const stage = async () => {
      await qr.startTransaction();
      try {
        const [{ id }] = await qr.query(`INSERT INTO result_set (leaderboard_id, state) VALUES ($1, 'R') RETURNING id`, [boardId]);
        return await upsert(id);
      } finally {
        await qr.rollbackTransaction();
      }
    };
    try {
      // From here the connection has no staging table and the writer does not take it to have one
      // (if it did, this staging fails and makes it forget).
      await qr.query('DROP TABLE IF EXISTS pg_temp.standings_staged');
      await stage().catch(() => undefined);
      await qr.query('DROP TABLE IF EXISTS pg_temp.standings_staged');
      // Made in a transaction that rolls back: gone again, and made again by the next.
      expect((await stage()).inserted).toBe(standings.entries.length);
      expect((await stage()).inserted).toBe(standings.entries.length);
      // Made in a committed transaction: found by the next, then not looked up again; dropped
      // behind the writer's back, the next staging fails and the one after makes it again.
      await qr.startTransaction();
      const [{ id }] = await qr.query(`INSERT INTO result_set (leaderboard_id, state) VALUES ($1, 'R') RETURNING id`, [boardId]);
      await upsert(id);
      await qr.commitTransaction();
      await qr.query('DELETE FROM race_result WHERE result_set_id = $1', [id]);
      await qr.query('DELETE FROM result_set WHERE id = $1', [id]);
      await stage();
      await stage();
      await qr.query('DROP TABLE pg_temp.standings_staged');
      await expect(stage()).rejects.toThrow(/standings_staged/);
      expect((await stage()).inserted).toBe(standings.entries.length);
    } finally {
      rows.inlineStagingChars = new StandingsRowsRepository().inlineStagingChars;
      await qr.release();
    }
  });

  it('keeps at most its limit, the least recently used races going first', () => {
    const memo = new RacePackMemo();
    memo.limitBytes = 3 * 32;
    for (let id = 1; id <= 3; id++) memo.keep(id, `d${id}`, new Int32Array(8));
    expect(memo.get(1, 'd1')).not.toBeNull();
    memo.keep(4, 'd4', new Int32Array(8));
    expect(memo.size).toEqual({ races: 3, bytes: 96 });
    expect(memo.get(2, 'd2')).toBeNull();
    expect(memo.get(1, 'd1')).not.toBeNull();
    memo.keep(5, 'd5', new Int32Array(32));
    expect(memo.get(5, 'd5')).toBeNull();
    expect(memo.size.races).toBe(3);
  });
});
