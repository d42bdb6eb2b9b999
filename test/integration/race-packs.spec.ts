import { RacePacksRepository } from '../../src/leaderboards/recalculation/race-packs.repository';
import { RecalculationRunner } from '../../src/leaderboards/recalculation/recalculation-runner';
import { Fixtures, rider } from '../support/fixtures';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

/**
 * Race packs (migration RaceResultPacks): each race's results cached packed on its result set.
 * The cache must never be stale, whatever writes the rows. Runs are called in-process on an
 * API-only app (no worker), so each test decides when a recalculation happens.
 */
describe('race packs: the cached packed results of each race', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let scaleId: number;
  let runs = 0;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    fx = new Fixtures(t);
    seriesId = await fx.series();
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
  });
  afterAll(() => t?.close());

  async function recalculate(boardId: number): Promise<void> {
    const outcome = await t.app.get(RecalculationRunner).run({
      jobId: `packs-${process.pid}-${++runs}`, leaderboardId: boardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
    });
    expect(outcome.kind).toBe('completed');
  }

  async function pointsByName(boardId: number): Promise<Record<string, number>> {
    const res = await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200);
    return Object.fromEntries(res.body.entries.map((e: { name: string; points: number }) => [e.name, e.points]));
  }

  async function pack(setId: number): Promise<{ packed: Buffer | null }> {
    const [row] = await t.db.query('SELECT packed_results AS packed FROM result_set WHERE id = $1', [setId]);
    return row;
  }

  /** The set's rows as the pack holds them: (id, participant, custom1..3, place, status code, time) in id order. */
  async function rowsOf(setId: number): Promise<number[][]> {
    const rows: { v: number[] }[] = await t.db.query(
      `SELECT ARRAY[id, participant_id, COALESCE(custom1_id, -1), COALESCE(custom2_id, -1), COALESCE(custom3_id, -1), COALESCE(position, 0),
                    CASE status WHEN 'FIN' THEN 0 WHEN 'DNF' THEN 1 WHEN 'DNS' THEN 2 ELSE 3 END, COALESCE(time_ms, -1)] AS v
         FROM race_result WHERE result_set_id = $1 ORDER BY id`,
      [setId],
    );
    return rows.map((r) => r.v);
  }

  function unpack(packed: Buffer): number[][] {
    const out: number[][] = [];
    for (let at = 0; at < packed.length; at += 32) out.push(Array.from({ length: 8 }, (_, k) => packed.readInt32BE(at + 4 * k)));
    return out.sort((a, b) => a[0] - b[0]);
  }

  async function boardWithRace(category: string): Promise<{ boardId: number; setId: number }> {
    const boardId = await fx.leaderboard({ seriesId, name: `Board ${category}`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [category] });
    const eventId = await fx.event(seriesId, { name: `Race ${category}` });
    const setId = await fx.resultSet(eventId, category);
    await fx.replaceRows(setId, [
      rider('Ann', 'Lee', { position: 1, custom1: 'Hillside' }),
      rider('Bo', 'Chen', { position: 2 }),
      rider('Cy', 'Diaz', { status: 'DNF' }),
    ]);
    return { boardId, setId };
  }

  it('a run caches its races\' packs first, and a pack holds exactly the set\'s rows', async () => {
    const { boardId, setId } = await boardWithRace('A');
    expect((await pack(setId)).packed).toBeNull();
    await recalculate(boardId);
    const cached = await pack(setId);
    expect(cached.packed).not.toBeNull();
    expect(unpack(cached.packed!)).toEqual(await rowsOf(setId));
    // The next run reads the cache and computes the same standings.
    const before = await pointsByName(boardId);
    await recalculate(boardId);
    expect(await pointsByName(boardId)).toEqual(before);
    expect(before).toEqual({ 'Ann Lee': 10, 'Bo Chen': 6, 'Cy Diaz': 0 });
  });

  it('every way of writing rows clears the pack: the API, an import, and SQL by hand', async () => {
    const { boardId, setId } = await boardWithRace('B');
    await recalculate(boardId);
    const cleared = async () => {
      expect((await pack(setId)).packed).toBeNull();
      await recalculate(boardId);
      expect(unpack((await pack(setId)).packed!)).toEqual(await rowsOf(setId));
    };

    await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider('Di', 'Evans', { position: 3 })).expect(201);
    await cleared();
    expect((await pointsByName(boardId))['Di Evans']).toBe(3);

    const [ann] = await t.db.query(`SELECT r.id FROM race_result r JOIN participant p ON p.id = r.participant_id WHERE r.result_set_id = $1 AND p.first_name = 'Ann'`, [setId]);
    await t.http().patch(`/api/results/${ann.id}`).set(AUTH).send({ position: 4 }).expect(200);
    await cleared();

    await t.db.query(`UPDATE race_result SET position = 1 WHERE id = $1`, [ann.id]);
    await cleared();
    expect((await pointsByName(boardId))['Ann Lee']).toBe(10);

    await t.db.query(`DELETE FROM race_result WHERE result_set_id = $1 AND status = 'DNF'`, [setId]);
    await cleared();
    expect(Object.keys(await pointsByName(boardId))).not.toContain('Cy Diaz');

    const [{ event_id: eventId }] = await t.db.query('SELECT event_id FROM result_set WHERE id = $1', [setId]);
    await t.http().post(`/api/events/${eventId}/results/import`).set(AUTH)
      .field('category', 'B')
      .attach('file', Buffer.from('Place,Name\n1,Bo Chen\n2,Ann Lee\n'), 'r.csv')
      .expect(200);
    await cleared();
    expect(await pointsByName(boardId)).toEqual({ 'Bo Chen': 10, 'Ann Lee': 6 });
  });

  it('a writer whose change commits after the packs were cached clears them again', async () => {
    const { boardId, setId } = await boardWithRace('C');
    // The caching statement holds its row locks (an open transaction) while a writer adds a row.
    const caching = t.db.createQueryRunner();
    await caching.startTransaction();
    let added: Promise<unknown>;
    try {
      await t.app.get(RacePacksRepository).cacheMissing(boardId, caching);
      const [{ participant_id: riderId }] = await t.db.query('SELECT participant_id FROM race_result WHERE result_set_id = $1 LIMIT 1', [setId]);
      const [{ id: otherRider }] = await t.db.query(`INSERT INTO participant (first_name, last_name) VALUES ('Late', 'Rider') RETURNING id`);
      expect(otherRider).not.toBe(riderId);
      // Its trigger waits for the caching transaction's lock on the set.
      added = t.db.query(`INSERT INTO race_result (result_set_id, participant_id, category, position, status) VALUES ($1, $2, 'C', 3, 'FIN')`, [setId, otherRider]);
      await eventually(async () => {
        const [{ waiting }] = await t.db.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return waiting > 0;
      }, 10_000, 20);
      await caching.commitTransaction();
    } finally {
      await caching.release();
    }
    await added;
    expect((await pack(setId)).packed).toBeNull();
    await recalculate(boardId);
    expect(unpack((await pack(setId)).packed!)).toEqual(await rowsOf(setId));
    expect((await pointsByName(boardId))['Late Rider']).toBe(3);
  });

  it('a series with more races to pack than the first statement takes: the rest are packed in lanes, each pack exactly its set\'s rows', async () => {
    // 11 races: the first statement packs 8 of them (FIRST_PACKS), the lanes the other 3 (and any set left without a pack by an earlier test).
    const sets = async (category: string, races: number) => {
      const ids: number[] = [];
      for (let i = 0; i < races; i++) {
        const setId = await fx.resultSet(await fx.event(seriesId, { name: `Lane race ${category}${i}` }), category);
        await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 + (i % 3) }), rider('Bo', 'Chen', { position: 1 + ((i + 1) % 3) }), rider(`Rider${i}`, 'Solo', { position: 3 - (i % 3) })]);
        ids.push(setId);
      }
      return ids;
    };
    const packedAsRows = async (ids: number[]) => {
      for (const setId of ids) expect(unpack((await pack(setId)).packed!)).toEqual(await rowsOf(setId));
    };
    const boardId = await fx.leaderboard({ seriesId, name: 'Board lanes', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Lane1'] });
    const pooled = await sets('Lane1', 11);
    await t.app.get(RacePacksRepository).cacheMissing(boardId);
    await packedAsRows(pooled);

    // The same on one connection (the lanes in turn), committed at once.
    const oneConnection = await sets('Lane2', 11);
    const caching = t.db.createQueryRunner();
    await caching.startTransaction();
    try {
      await t.app.get(RacePacksRepository).cacheMissing(boardId, caching);
      await caching.commitTransaction();
    } finally {
      await caching.release();
    }
    await packedAsRows(oneConnection);
  });

  it('a pack lists its rows in participant order, not in the order they were written, read off an index with no sort', async () => {
    const { boardId } = await boardWithRace('Order');
    // The same riders in a second race, written last first: their rows' ids run against their participant ids.
    const setId = await fx.resultSet(await fx.event(seriesId, { name: 'Race Order 2' }), 'Order');
    await fx.replaceRows(setId, [rider('Cy', 'Diaz', { position: 1 }), rider('Bo', 'Chen', { position: 2 }), rider('Ann', 'Lee', { position: 3 })]);
    const written: { participant_id: number }[] = await t.db.query('SELECT participant_id FROM race_result WHERE result_set_id = $1 ORDER BY id', [setId]);
    const riders = written.map((r) => r.participant_id);
    const inOrder = [...riders].sort((a, b) => a - b);
    expect(riders).toEqual([...inOrder].reverse());

    await recalculate(boardId);
    const packed = (await pack(setId)).packed!;
    expect(Array.from({ length: packed.length / 32 }, (_, i) => packed.readInt32BE(i * 32 + 4))).toEqual(inOrder);
    expect(unpack(packed)).toEqual(await rowsOf(setId));
    expect(await pointsByName(boardId)).toEqual({ 'Ann Lee': 13, 'Bo Chen': 12, 'Cy Diaz': 10 });

    // The plan: the set's rider index gives the order. With sorting and the other scans priced
    // out, PostgreSQL would still sort (and say so) if no index could give it.
    const { text, values } = t.app.get(RacePacksRepository).cacheStatement([setId]);
    const plan = await t.db.transaction(async (m) => {
      await m.query('SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off');
      const lines: { 'QUERY PLAN': string }[] = await m.query(`EXPLAIN ${text}`, values);
      return lines.map((l) => l['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('race_result_set_rider_uq');
    expect(plan).not.toMatch(/\bSort\b/);
  });

  it('a set a writer holds is not cached, and the run does not wait for it', async () => {
    const { boardId, setId } = await boardWithRace('D');
    const writer = t.db.createQueryRunner();
    await writer.startTransaction();
    try {
      await writer.query('SELECT id FROM result_set WHERE id = $1 FOR UPDATE', [setId]);
      await recalculate(boardId);
      expect((await pack(setId)).packed).toBeNull();
    } finally {
      await writer.rollbackTransaction();
      await writer.release();
    }
    await recalculate(boardId);
    expect((await pack(setId)).packed).not.toBeNull();
  });

  it('standings rows go through COPY intact: quotes, backslashes, tabs, newlines and accents', async () => {
    const names = [['Zoë', "O'Brien"], ['Back\\slash', '"Quoted"'], ['Tab', 'Newline']];
    const boardId = await fx.leaderboard({ seriesId, name: 'Board names', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['N'] });
    const eventName = 'Race \\ "names"\tand\na newline';
    const setId = await fx.resultSet(await fx.event(seriesId, { name: eventName }), 'N');
    await fx.replaceRows(setId, names.map(([first, last], i) => rider(first, last, { position: i + 1 })));
    await recalculate(boardId);
    const res = await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200);
    expect(res.body.entries.map((e: { name: string; points: number }) => [e.name, e.points])).toEqual(
      names.map(([first, last], i) => [`${first} ${last}`, [10, 6, 3][i]]),
    );
    const [{ name: storedEventName }] = await t.db.query('SELECT name FROM event WHERE id = (SELECT event_id FROM result_set WHERE id = $1)', [setId]);
    expect(storedEventName).toBe(eventName);
    expect(res.body.entries.map((e: { breakdown: { counted: { eventName: string }[] } }) => e.breakdown.counted[0].eventName)).toEqual([storedEventName, storedEventName, storedEventName]);
    // A second run finds every row unchanged.
    await recalculate(boardId);
    const [run] = await t.db.query(`SELECT rows_inserted, rows_updated, rows_deleted FROM recalc_run WHERE leaderboard_id = $1 ORDER BY id DESC LIMIT 1`, [boardId]);
    expect(run).toEqual({ rows_inserted: 0, rows_updated: 0, rows_deleted: 0 });
  });

  it('entries that only move are rewritten without their breakdown, and read back whole', async () => {
    const boardId = await fx.leaderboard({ seriesId, name: 'Board moves', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['M'] });
    const first = await fx.resultSet(await fx.event(seriesId, { name: 'Moves 1', date: '2026-04-01' }), 'M');
    await fx.replaceRows(first, [rider('Ann', 'Moss', { position: 1 }), rider('Bo', 'Moss', { position: 2 }), rider('Cy', 'Moss', { position: 3 })]);
    await recalculate(boardId);
    const before = (await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200)).body.entries;
    const fingerprints = async () => new Map<string, string>((await t.db.query(
      `SELECT r.name, r.fingerprint FROM race_result r JOIN result_set s ON s.id = r.result_set_id WHERE s.leaderboard_id = $1 AND s.state <> 'R'`,
      [boardId],
    )).map((row: { name: string; fingerprint: string }) => [row.name, row.fingerprint]));
    const fingerprintsBefore = await fingerprints();

    // Cy wins a second race alone: Cy's breakdown changes; Ann and Bo only move down a place.
    const second = await fx.resultSet(await fx.event(seriesId, { name: 'Moves 2', date: '2026-04-08' }), 'M');
    await fx.replaceRows(second, [rider('Cy', 'Moss', { position: 1 })]);
    await recalculate(boardId);
    const [run] = await t.db.query(`SELECT rows_inserted, rows_updated, rows_deleted FROM recalc_run WHERE leaderboard_id = $1 ORDER BY id DESC LIMIT 1`, [boardId]);
    expect(run).toEqual({ rows_inserted: 0, rows_updated: 3, rows_deleted: 0 });
    const after = (await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200)).body.entries;
    expect(after.map((e: { name: string; position: number; points: number }) => [e.name, e.position, e.points])).toEqual([
      ['Cy Moss', 1, 13], ['Ann Moss', 2, 10], ['Bo Moss', 3, 6],
    ]);
    const byName = (entries: { name: string; breakdown: unknown }[]) => new Map(entries.map((e) => [e.name, e.breakdown]));
    expect(byName(after).get('Ann Moss')).toEqual(byName(before).get('Ann Moss'));
    expect(byName(after).get('Bo Moss')).toEqual(byName(before).get('Bo Moss'));
    expect((byName(after).get('Cy Moss') as { counted: unknown[] }).counted).toHaveLength(2);
    // The movers' fingerprints changed in their values half only.
    const fingerprintsAfter = await fingerprints();
    for (const name of ['Ann Moss', 'Bo Moss']) {
      expect(fingerprintsAfter.get(name)).not.toBe(fingerprintsBefore.get(name));
      expect(fingerprintsAfter.get(name)!.slice(-16)).toBe(fingerprintsBefore.get(name)!.slice(-16));
    }
  });

  it('more runs at once than the pool has connections, each with races to pack, all complete', async () => {
    // Packs are cached before a run's transaction: a run never waits for a connection while holding one.
    const boards: number[] = [];
    for (let i = 0; i < 12; i++) boards.push((await boardWithRace(`P${i}`)).boardId);
    await Promise.all(boards.map((boardId) => recalculate(boardId)));
    const [{ cached }] = await t.db.query(
      `SELECT count(*)::int AS cached FROM result_set WHERE category LIKE 'P%' AND event_id IS NOT NULL AND packed_results IS NOT NULL`,
    );
    expect(cached).toBe(12);
  }, 30_000);

  it('a standings set\'s fingerprint token changes with its rows, and a set without one is read from its rows', async () => {
    const { boardId, setId } = await boardWithRace('F');
    const live = async () => {
      const [set]: { id: number; token: string | null }[] = await t.db.query(
        `SELECT id, standings_fingerprints_token AS token FROM result_set WHERE leaderboard_id = $1 AND state <> 'R'`, [boardId]);
      return set;
    };
    const lastRun = async () =>
      (await t.db.query(`SELECT rows_inserted, rows_updated, rows_deleted FROM recalc_run WHERE leaderboard_id = $1 ORDER BY id DESC LIMIT 1`, [boardId]))[0];

    await recalculate(boardId);
    const first = await live();
    expect(first.token).not.toBeNull();
    // Nothing changed: same token.
    await recalculate(boardId);
    expect(await live()).toEqual(first);
    // A rider drops out: the row goes, and the token changes.
    await t.db.query(`DELETE FROM race_result WHERE result_set_id = $1 AND status = 'DNF'`, [setId]);
    await recalculate(boardId);
    expect(await lastRun()).toEqual({ rows_inserted: 0, rows_updated: 0, rows_deleted: 1 });
    const second = await live();
    expect(second.token).not.toBe(first.token);
    // Sets written before tokens: the rows' own fingerprints are read (nothing to rewrite), and a token drawn.
    await t.db.query(`UPDATE result_set SET standings_fingerprints_token = NULL WHERE id = $1`, [second.id]);
    await recalculate(boardId);
    expect(await lastRun()).toEqual({ rows_inserted: 0, rows_updated: 0, rows_deleted: 0 });
    expect((await live()).token).not.toBeNull();
  });
});
