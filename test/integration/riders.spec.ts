import { EventEmitter2 } from '@nestjs/event-emitter';
import { Client } from 'pg';
import { ParticipantsChangedEvent } from '../../src/common/events/catalogue';
import type { ComputeInput, RaceResultInput } from '../../src/calculators/types';
import { oracle } from '../unit/calculators/oracle';
import { Fixtures, rider } from '../support/fixtures';
import { settled, standingsRows } from '../support/sync';
import { ADMIN_KEY, AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

const ALICE = { Authorization: 'Bearer alice-key-0123456789abcdef' };
const TABLE = [10, 6, 3, 1];
/** Boards settle in a second on a quiet machine; much longer when other suites share its two cores. */
const SETTLE_MS = 90_000;

/**
 * Riders over HTTP against the real database: search, detail, fixes, merges and their aliases,
 * the standings of the boards a merge touches (against the brute-force oracle), imports that
 * match aliases, and every refused request leaving the database as it was.
 */
describe('riders: search, edit, merge, aliases', () => {
  // Other suites share the machine's two cores: requests that take 50 ms alone can take seconds.
  jest.setTimeout(60_000);
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let otherSeriesId: number;
  let scaleId: number;
  let boardG: number;
  let allStars: number;
  const events: { id: number; name: string; date: string }[] = [];
  const changes: ParticipantsChangedEvent[] = [];

  /** A race as the organiser typed it: the oracle's input is built from these, never from the database. */
  const races: { event: number; category: string; rows: { first: string; last: string; school?: string; licence?: string; position: number }[] }[] = [];

  async function race(eventIndex: number, category: string, rows: (typeof races)[number]['rows']): Promise<number> {
    const setId = await fx.resultSet(events[eventIndex].id, category);
    await fx.replaceRows(setId, rows.map((r) => rider(r.first, r.last, {
      position: r.position, ...(r.school ? { custom1: r.school } : {}), ...(r.licence ? { participant: { firstName: r.first, lastName: r.last, externalId: r.licence } } : {}),
    })));
    races.push({ event: events[eventIndex].id, category, rows });
    return setId;
  }

  const search = async (query: string) => (await t.http().get(`/api/participants?${query}`).set(AUTH).expect(200)).body;
  const idOf = async (first: string, last: string, school?: string): Promise<number> => {
    const rows: { id: number }[] = await t.db.query(
      `SELECT DISTINCT p.id FROM participant p LEFT JOIN race_result r ON r.participant_id = p.id LEFT JOIN custom_list_value v ON v.id = r.custom1_id
        WHERE p.first_name = $1 AND p.last_name = $2 AND ($3::text IS NULL OR v.name = $3)`,
      [first, last, school ?? null],
    );
    if (rows.length !== 1) throw new Error(`${first} ${last} (${school}): ${rows.length} riders`);
    return rows[0].id;
  };

  /**
   * What a refused request must leave untouched: riders, who each race result belongs to, aliases,
   * audit rows, pending marks (standings rows are left out: runs still settling may write them).
   */
  const snapshot = async () => (await t.db.query(`
    SELECT (SELECT json_agg(json_build_array(id, first_name, last_name, external_id) ORDER BY id) FROM participant) AS riders,
           (SELECT json_agg(json_build_array(id, participant_id) ORDER BY id) FROM race_result WHERE group_key IS NULL) AS rows,
           (SELECT json_agg(json_build_array(id, participant_id, first_name, last_name, external_id) ORDER BY id) FROM participant_alias) AS aliases,
           (SELECT count(*)::int FROM audit_log) AS audit,
           (SELECT json_agg(json_build_array(leaderboard_id, results_version) ORDER BY leaderboard_id) FROM recalc_outbox) AS marks`))[0];

  const auditOf = (action: string) => t.db.query(`SELECT actor, action, entity, entity_id, changes, reason FROM audit_log WHERE action = $1 ORDER BY id`, [action]);

  beforeAll(async () => {
    t = await startTestApp({
      ADMIN_API_KEYS: `${ADMIN_KEY},alice:alice-key-0123456789abcdef`,
      RECALC_DEBOUNCE_MS: '300', RECALC_MAX_WAIT_MS: '1500', RECALC_SWEEP_INTERVAL_MS: '300',
    });
    t.app.get(EventEmitter2).on(ParticipantsChangedEvent.eventName, (e: ParticipantsChangedEvent) => changes.push(e));
    fx = new Fixtures(t);
    seriesId = await fx.series({ name: 'Schools Cup', customLabels: { custom1: 'School' } });
    otherSeriesId = await fx.series({ name: 'Winter Series', customLabels: { custom1: 'School' } });
    scaleId = await fx.scale({ name: 'Top 4', kind: 'TABLE', table: TABLE });
    boardG = await fx.leaderboard({ seriesId, name: 'Girls', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['G'] });
    allStars = await fx.leaderboard({
      seriesId, name: 'All Stars', type: 'INDIVIDUAL', pointsScaleId: scaleId, bestOf: 2,
      categories: [{ code: 'G', multiplier: 1 }, { code: 'B', multiplier: 2 }],
    });
    for (const [i, date] of ['2026-03-07', '2026-03-14', '2026-03-21', '2026-03-28'].entries()) {
      events.push({ id: await fx.event(seriesId, { name: `Round ${i + 1}`, date }), name: `Round ${i + 1}`, date });
    }
    // Ann Lee of Hillside (round 1) and Ann Lee of Riverside (rounds 2, 3) are two riders to Podium:
    // the second did not race for Hillside. Jon Smith (round 1) and John Smith (round 2) are two spellings.
    await race(0, 'G', [
      { first: 'Ann', last: 'Lee', school: 'Hillside', licence: 'HL-1', position: 1 },
      { first: 'Zoë', last: 'Ødegård', school: 'Hillside', position: 2 },
      { first: 'Cy', last: 'Diaz', school: 'Riverside', position: 3 },
      { first: 'Jon', last: 'Smith', position: 4 },
    ]);
    await race(1, 'G', [
      { first: 'Cy', last: 'Diaz', school: 'Riverside', position: 1 },
      { first: 'Ann', last: 'Lee', school: 'Riverside', position: 2 },
      { first: 'John', last: 'Smith', position: 3 },
      { first: 'Zoë', last: 'Ødegård', school: 'Hillside', position: 4 },
    ]);
    await race(2, 'G', [
      { first: 'Ann', last: 'Lee', school: 'Riverside', position: 1 },
      { first: 'Zoë', last: 'Ødegård', school: 'Hillside', position: 2 },
      { first: 'Cy', last: 'Diaz', school: 'Riverside', position: 3 },
    ]);
    await race(2, 'B', [{ first: 'Bo', last: 'Chen', position: 1 }, { first: 'Jon', last: 'Smith', position: 2 }]);
    const winter = await fx.event(otherSeriesId, { name: 'Winter 1', date: '2026-01-10' });
    await fx.replaceRows(await fx.resultSet(winter, 'G'), [rider('Ann', 'Lee', { position: 1, custom1: 'Riverside' })]);
    await settled(t, boardG, SETTLE_MS);
    await settled(t, allStars, SETTLE_MS);
  }, 240_000);
  afterAll(() => t?.close());

  it('documents every rider route in the OpenAPI, with examples', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/participants'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/participants/{id}']).sort()).toEqual(['get', 'patch']);
    expect(Object.keys(doc.paths['/api/participants/{id}/merge'])).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/participants/{id}/aliases/{aliasId}'])).toEqual(['delete']);
    expect(doc.paths['/api/participants/{id}/merge'].post.responses).toHaveProperty('409');
    expect(doc.components.schemas.MergeRiderDto.properties.intoId.example).toBe(12);
    expect(doc.components.schemas.RiderResultView.properties.points.description).toMatch(/Empty when none are known/);
  });

  describe('search and read', () => {
    it('finds riders by the start of a name, ignoring case and accents, or by licence', async () => {
      const zoe = await search('q=zoe');
      expect(zoe.items.map((r: { firstName: string }) => r.firstName)).toEqual(['Zoë']);
      expect((await search('q=ODEG')).items).toHaveLength(1);
      expect((await search('q=zoe%20odeg')).items).toHaveLength(1);
      expect((await search('q=zoe%20lee')).items).toHaveLength(0);
      expect((await search('q=hl-')).items).toEqual([expect.objectContaining({ firstName: 'Ann', lastName: 'Lee', externalId: 'HL-1', results: 1 })]);
      // Prefix, not substring; LIKE wildcards in the query are plain characters.
      expect((await search('q=ee')).items).toHaveLength(0);
      expect((await search('q=%25')).items).toHaveLength(0);
      expect((await search('q=_')).items).toHaveLength(0);
    });

    it('pages in a stable order with the total, and filters by series', async () => {
      const all = await search('limit=2');
      expect(all).toMatchObject({ total: 7, offset: 0, limit: 2 });
      const names: string[] = [];
      for (let offset = 0; offset < 7; offset += 2) {
        names.push(...(await search(`limit=2&offset=${offset}`)).items.map((r: { firstName: string; lastName: string }) => `${r.firstName} ${r.lastName}`));
      }
      expect(names).toEqual(['Bo Chen', 'Cy Diaz', 'Ann Lee', 'Ann Lee', 'Zoë Ødegård', 'John Smith', 'Jon Smith']);
      expect(await search('offset=50&q=ann')).toMatchObject({ total: 2, offset: 50, items: [] });
      const winter = await search(`seriesId=${otherSeriesId}`);
      expect(winter.items.map((r: { id: number }) => r.id)).toEqual([await idOf('Ann', 'Lee', 'Riverside')]);
      expect(winter.total).toBe(1);
    });

    it('is admin-only, refuses bad queries with 400 and an unknown series with 404', async () => {
      await t.http().get('/api/participants').expect(401);
      await t.http().get('/api/participants/1').expect(401);
      const bad = await t.http().get('/api/participants?limit=501').set(AUTH).expect(400);
      expect(JSON.stringify(bad.body)).toMatch(/limit/);
      expect(JSON.stringify((await t.http().get('/api/participants?sort=name').set(AUTH).expect(400)).body)).toMatch(/sort/);
      await t.http().get('/api/participants?seriesId=abc').set(AUTH).expect(400);
      await t.http().get('/api/participants?seriesId=999999').set(AUTH).expect(404);
      await t.http().get('/api/participants/999999').set(AUTH).expect(404);
      await t.http().get('/api/participants/0').set(AUTH).expect(400);
    });

    it('shows a rider with every result across series and the points each board gave it', async () => {
      const ann = await idOf('Ann', 'Lee', 'Riverside');
      const { body } = await t.http().get(`/api/participants/${ann}`).set(AUTH).expect(200);
      expect(body).toMatchObject({ id: ann, firstName: 'Ann', lastName: 'Lee', externalId: null, aliases: [] });
      expect(body.results.map((r: { eventName: string; seriesName: string; position: number; state: string }) => [r.eventName, r.seriesName, r.position, r.state])).toEqual([
        ['Round 3', 'Schools Cup', 1, 'PROVISIONAL'], ['Round 2', 'Schools Cup', 2, 'PROVISIONAL'], ['Winter 1', 'Winter Series', 1, 'PROVISIONAL'],
      ]);
      const [round3, round2, winter] = body.results;
      expect(round3.points).toEqual([
        { leaderboardId: boardG, leaderboardName: 'Girls', points: 10, counted: true },
        { leaderboardId: allStars, leaderboardName: 'All Stars', points: 10, counted: true },
      ]);
      expect(round2.points).toEqual(expect.arrayContaining([{ leaderboardId: boardG, leaderboardName: 'Girls', points: 6, counted: true }]));
      // The winter series has no board: no points are known.
      expect(winter.points).toEqual([]);
    });
  });

  describe('PATCH', () => {
    it('refuses unknown fields, blank names and a licence another rider has, changing nothing', async () => {
      const cy = await idOf('Cy', 'Diaz');
      const before = await snapshot();
      const unknown = await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ firstName: 'Cyd', nickname: 'C' }).expect(400);
      expect(JSON.stringify(unknown.body)).toMatch(/nickname/);
      await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ lastName: '   ' }).expect(400);
      await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ firstName: null }).expect(400);
      await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ externalId: 'x'.repeat(51) }).expect(400);
      const clash = await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ externalId: 'HL-1' }).expect(409);
      expect(clash.body.message).toMatch(new RegExp(`Licence HL-1 already belongs to rider ${await idOf('Ann', 'Lee', 'Hillside')} \\(Ann Lee, licence HL-1\\)`));
      await t.http().patch('/api/participants/999999').set(AUTH).send({ firstName: 'X' }).expect(404);
      await t.http().patch(`/api/participants/${cy}`).send({ firstName: 'X' }).expect(401);
      expect(await snapshot()).toEqual(before);
    });

    it('renames a rider, marks the boards that show them, records who did it; the standings follow', async () => {
      const cy = await idOf('Cy', 'Diaz');
      const [{ v: versionBefore }] = await t.db.query('SELECT results_version AS v FROM recalc_outbox WHERE leaderboard_id = $1', [boardG]);
      changes.splice(0);
      const res = await t.http().patch(`/api/participants/${cy}`).set(ALICE).set('X-Reason', 'Spelling').send({ firstName: '  Cyd ', externalId: 'RS-7' }).expect(200);
      expect(res.body).toMatchObject({ id: cy, firstName: 'Cyd', lastName: 'Diaz', externalId: 'RS-7' });
      const [{ v: versionAfter }] = await t.db.query('SELECT results_version AS v FROM recalc_outbox WHERE leaderboard_id = $1', [boardG]);
      expect(Number(versionAfter)).toBe(Number(versionBefore) + 1);
      expect(changes).toEqual([expect.objectContaining({ participantIds: [cy], reason: 'UPDATED', leaderboardIds: [boardG, allStars] })]);
      expect(await auditOf('participant.update')).toEqual([{
        actor: 'alice', action: 'participant.update', entity: 'participant', entity_id: String(cy), reason: 'Spelling',
        changes: { before: { firstName: 'Cy', externalId: null }, after: { firstName: 'Cyd', externalId: 'RS-7' }, leaderboardIds: [boardG, allStars] },
      }]);
      await settled(t, boardG, SETTLE_MS);
      await settled(t, allStars, SETTLE_MS);
      expect((await standingsRows(t, boardG)).find((r) => r.group_key === `p:${cy}`)!.name).toBe('Cyd Diaz');

      // The same values again: nothing recorded, nothing marked.
      const quiet = await snapshot();
      await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ firstName: 'Cyd', externalId: 'RS-7' }).expect(200);
      await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({}).expect(200);
      expect(await snapshot()).toEqual(quiet);

      // A transaction writing results of the rider (an import, a recalculation) does not hold a PATCH up.
      const writer = new Client({ connectionString: t.sandbox.databaseUrl });
      await writer.connect();
      try {
        await writer.query('BEGIN');
        await writer.query('SELECT id FROM participant WHERE id = $1 FOR KEY SHARE', [cy]);
        await t.http().patch(`/api/participants/${cy}`).set(AUTH).send({ lastName: 'Diaz' }).expect(200);
      } finally {
        await writer.query('ROLLBACK');
        await writer.end();
      }
    }, 120_000);
  });

  describe('merge', () => {
    it('refuses a merge into itself, into a missing rider, of a missing rider, and bad bodies, changing nothing', async () => {
      const ann = await idOf('Ann', 'Lee', 'Hillside');
      const before = await snapshot();
      const self = await t.http().post(`/api/participants/${ann}/merge`).set(AUTH).send({ intoId: ann }).expect(409);
      expect(self.body.message).toMatch(/cannot be merged into itself/);
      const missing = await t.http().post(`/api/participants/${ann}/merge`).set(AUTH).send({ intoId: 999999 }).expect(409);
      expect(missing.body.message).toMatch(/Rider 999999 does not exist/);
      await t.http().post(`/api/participants/999999/merge`).set(AUTH).send({ intoId: ann }).expect(404);
      expect(JSON.stringify((await t.http().post(`/api/participants/${ann}/merge`).set(AUTH).send({ intoId: 2, force: true }).expect(400)).body)).toMatch(/force/);
      expect(JSON.stringify((await t.http().post(`/api/participants/${ann}/merge`).set(AUTH).send({}).expect(400)).body)).toMatch(/intoId/);
      await t.http().post(`/api/participants/${ann}/merge`).set(AUTH).send({ intoId: 'two' }).expect(400);
      await t.http().post(`/api/participants/${ann}/merge`).send({ intoId: 2 }).expect(401);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses to merge two riders of one race, naming the race', async () => {
      const before = await snapshot();
      const res = await t.http().post(`/api/participants/${await idOf('Zoë', 'Ødegård')}/merge`).set(AUTH).send({ intoId: await idOf('Ann', 'Lee', 'Hillside') }).expect(409);
      expect(res.body.message).toMatch(/Both riders have a result in "Round 1" \(event \d+\), category "G"/);
      expect(res.body.message).toMatch(/Fix that race first/);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses while an import of an event of either rider holds it, without waiting', async () => {
      // The import's own lock: ResultSetsRepository.lockEvent takes the event's row FOR UPDATE for the whole import.
      const importer = new Client({ connectionString: t.sandbox.databaseUrl });
      await importer.connect();
      try {
        await importer.query('BEGIN');
        await importer.query('SELECT id FROM event WHERE id = $1 FOR UPDATE', [events[1].id]);
        const before = await snapshot();
        const started = Date.now();
        const res = await t.http().post(`/api/participants/${await idOf('Jon', 'Smith')}/merge`).set(AUTH).send({ intoId: await idOf('John', 'Smith') }).expect(409);
        // Waiting would mean never answering: the lock is held until this test lets it go.
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(res.body.message).toMatch(/An import or another change of event \d+ \("Round 2"\) is running/);
        expect(await snapshot()).toEqual(before);
      } finally {
        await importer.query('ROLLBACK');
        await importer.end();
      }
    });

    it('refuses while another transaction is writing results of either rider', async () => {
      const writer = new Client({ connectionString: t.sandbox.databaseUrl });
      await writer.connect();
      try {
        await writer.query('BEGIN');
        // What inserting a result row for Jon does to his participant row (the foreign key's lock).
        await writer.query('SELECT id FROM participant WHERE id = $1 FOR KEY SHARE', [await idOf('Jon', 'Smith')]);
        const before = await snapshot();
        const res = await t.http().post(`/api/participants/${await idOf('Jon', 'Smith')}/merge`).set(AUTH).send({ intoId: await idOf('John', 'Smith') }).expect(409);
        expect(res.body.message).toMatch(new RegExp(`Rider ${await idOf('Jon', 'Smith')} is being changed by another transaction`));
        expect(await snapshot()).toEqual(before);
      } finally {
        await writer.query('ROLLBACK');
        await writer.end();
      }
    });

    it('moves every result, keeps the old name and licence as an alias, and both boards sum them (oracle)', async () => {
      const hillsideAnn = await idOf('Ann', 'Lee', 'Hillside');
      const riversideAnn = await idOf('Ann', 'Lee', 'Riverside');
      const jon = await idOf('Jon', 'Smith');
      const john = await idOf('John', 'Smith');
      const keysBefore = (await standingsRows(t, boardG)).map((r) => r.group_key);
      expect(keysBefore).toEqual(expect.arrayContaining([`p:${hillsideAnn}`, `p:${riversideAnn}`]));
      changes.splice(0);

      const res = await t.http().post(`/api/participants/${hillsideAnn}/merge`).set(ALICE)
        .send({ intoId: riversideAnn, reason: 'Same girl: moved school' }).expect(200);
      expect(res.body).toMatchObject({
        mergedId: hillsideAnn,
        moved: { results: 1, standingsRows: 2, aliasesMoved: 0 },
        alias: { firstName: 'Ann', lastName: 'Lee', externalId: 'HL-1', mergedFrom: hillsideAnn },
        leaderboardIds: [boardG, allStars],
      });
      expect(res.body.into.aliases).toEqual([expect.objectContaining({ id: res.body.alias.id, externalId: 'HL-1' })]);
      expect(res.body.into.results.map((r: { eventName: string }) => r.eventName)).toEqual(['Round 3', 'Round 2', 'Round 1', 'Winter 1']);
      await t.http().get(`/api/participants/${hillsideAnn}`).set(AUTH).expect(404);
      // One change event, after commit, naming the boards marked.
      expect(changes).toEqual([expect.objectContaining({ participantIds: [hillsideAnn, riversideAnn], reason: 'MERGED', leaderboardIds: [boardG, allStars] })]);
      expect(await auditOf('participant.merge')).toEqual([{
        actor: 'alice', action: 'participant.merge', entity: 'participant', entity_id: String(hillsideAnn), reason: 'Same girl: moved school',
        changes: {
          before: { id: hillsideAnn, firstName: 'Ann', lastName: 'Lee', externalId: 'HL-1' },
          after: { mergedInto: riversideAnn, firstName: 'Ann', lastName: 'Lee', externalId: null },
          moved: { results: 1, resultSetIds: [expect.any(Number)], standingsRows: 2, aliasesMoved: 0, supersededResultsDropped: 0, aliasId: res.body.alias.id },
          leaderboardIds: [boardG, allStars],
        },
      }]);

      await t.http().post(`/api/participants/${jon}/merge`).set(AUTH).send({ intoId: john }).expect(200);
      await settled(t, boardG, SETTLE_MS);
      await settled(t, allStars, SETTLE_MS);

      // The oracle's input comes from the races as typed, with the merged riders as one.
      const ids = new Map<string, number>([
        ['Ann Lee Hillside', riversideAnn], ['Ann Lee Riverside', riversideAnn], ['Jon Smith ', john], ['John Smith ', john],
        ['Zoë Ødegård Hillside', await idOf('Zoë', 'Ødegård')], ['Cy Diaz Riverside', await idOf('Cyd', 'Diaz')], ['Bo Chen ', await idOf('Bo', 'Chen')],
      ]);
      const results: RaceResultInput[] = races.flatMap((r, i) => r.rows.map((row, j) => ({
        id: i * 100 + j, eventId: r.event, category: r.category, participantId: ids.get(`${row.first} ${row.last} ${row.school ?? ''}`)!,
        participantName: `${row.first} ${row.last}`, custom1: null, custom2: null, custom3: null, position: row.position, status: 'FIN' as const,
      })));
      const eventInputs = events.map((e) => ({ ...e, starred: false, pointsMultiplier: 1 }));
      const boards = [
        { id: boardG, board: { type: 'INDIVIDUAL' as const, eventScope: 'ALL' as const, categories: [{ code: 'G', multiplier: 1 }] } },
        { id: allStars, board: { type: 'INDIVIDUAL' as const, eventScope: 'ALL' as const, bestOf: 2, categories: [{ code: 'G', multiplier: 1 }, { code: 'B', multiplier: 2 }] } },
      ];
      for (const { id, board } of boards) {
        const input: ComputeInput = { scale: { kind: 'TABLE', table: TABLE }, board, events: eventInputs, results } as ComputeInput;
        const expected = oracle(input).totals;
        const standings = (await t.http().get(`/api/leaderboards/${id}/standings?limit=500`).expect(200)).body;
        const stored = new Map<string, number>(standings.entries.map((e: { key: string; points: number }) => [e.key, Math.round(e.points * 1000)]));
        expect(standings.total).toBe(stored.size);
        expect(stored).toEqual(expected);
        expect(stored.has(`p:${hillsideAnn}`)).toBe(false);
        expect(stored.has(`p:${jon}`)).toBe(false);
      }
      // Girls: Ann 10 (round 1) + 6 + 10; John 1 + 3.
      expect((await standingsRows(t, boardG)).slice(0, 1).map((r) => [r.group_key, r.points])).toEqual([[`p:${riversideAnn}`, 26]]);
      // Found by the old licence and by the alias's name.
      expect((await search('q=hl-1')).items.map((r: { id: number }) => r.id)).toEqual([riversideAnn]);
      expect((await search('q=jon')).items.map((r: { id: number }) => r.id)).toEqual([john]);
    }, 240_000);

    it('makes later imports of the old spelling and licence find the rider they were merged into', async () => {
      const ann = await idOf('Ann', 'Lee', 'Riverside');
      const john = await idOf('John', 'Smith');
      const riders = (await t.db.query('SELECT count(*)::int AS n FROM participant'))[0].n;
      const csv = 'Place,First Name,Last Name,Licence,School\n1,Jon,Smith,,\n2,Annie,Lee,HL-1,Hillside\n3,Bo,Chen,,\n';
      const res = await t.http().post(`/api/events/${events[3].id}/results/import`).set(AUTH).field('category', 'G').attach('file', Buffer.from(csv), 'r4.csv').expect(200);
      const [setId] = res.body.categories.map((c: { resultSetId: number }) => c.resultSetId);
      const rows = await t.db.query('SELECT participant_id, position FROM race_result WHERE result_set_id = $1 ORDER BY position', [setId]);
      expect(rows.map((r: { participant_id: number }) => r.participant_id)).toEqual([john, ann, await idOf('Bo', 'Chen')]);
      expect((await t.db.query('SELECT count(*)::int AS n FROM participant'))[0].n).toBe(riders);
      // The results API matches the same way (its own statement, outside imports).
      const draft = await fx.resultSet(events[3].id, 'B', 'DRAFT');
      await fx.replaceRows(draft, [rider('Jon', 'Smith', { position: 1 }), { participant: { firstName: 'A.', lastName: 'Lee', externalId: 'HL-1' }, status: 'FIN', position: 2 }]);
      const put = await t.db.query('SELECT participant_id FROM race_result WHERE result_set_id = $1 ORDER BY position', [draft]);
      expect(put.map((r: { participant_id: number }) => r.participant_id)).toEqual([john, ann]);
      await t.db.query('DELETE FROM result_set WHERE id = $1', [draft]);
      // A merge alias is never renamed to: the rider keeps the name on file.
      expect((await t.http().get(`/api/participants/${ann}`).set(AUTH).expect(200)).body).toMatchObject({ firstName: 'Ann', lastName: 'Lee' });
      // A licence kept as an alias is taken: PATCHing it onto someone else is a 409 naming the rider.
      const clash = await t.http().patch(`/api/participants/${await idOf('Bo', 'Chen')}`).set(AUTH).send({ externalId: 'HL-1' }).expect(409);
      expect(clash.body.message).toMatch(new RegExp(`rider ${ann} \\(Ann Lee\\).*alias`));
    });

    it('removes an alias (audited), after which the old spelling is a new rider again', async () => {
      const john = await idOf('John', 'Smith');
      const { body } = await t.http().get(`/api/participants/${john}`).set(AUTH).expect(200);
      const [alias] = body.aliases;
      expect(alias).toMatchObject({ firstName: 'Jon', lastName: 'Smith', externalId: null });
      const before = await snapshot();
      await t.http().delete(`/api/participants/${john}/aliases/999999`).set(AUTH).expect(404);
      await t.http().delete(`/api/participants/${await idOf('Bo', 'Chen')}/aliases/${alias.id}`).set(AUTH).expect(404);
      await t.http().delete(`/api/participants/999999/aliases/${alias.id}`).set(AUTH).expect(404);
      await t.http().delete(`/api/participants/${john}/aliases/${alias.id}`).expect(401);
      expect(await snapshot()).toEqual(before);

      await t.http().delete(`/api/participants/${john}/aliases/${alias.id}`).set(ALICE).expect(204);
      expect((await t.http().get(`/api/participants/${john}`).set(AUTH).expect(200)).body.aliases).toEqual([]);
      expect(await auditOf('participant.delete_alias')).toEqual([{
        actor: 'alice', action: 'participant.delete_alias', entity: 'participant', entity_id: String(john), reason: null,
        changes: { before: { alias: { id: alias.id, firstName: 'Jon', lastName: 'Smith', externalId: null, mergedFrom: expect.any(Number) } } },
      }]);
      const csv = 'Place,Name\n1,Jon Smith\n';
      const res = await t.http().post(`/api/events/${events[3].id}/results/import`).set(AUTH).field('category', 'B').attach('file', Buffer.from(csv), 'r4b.csv').expect(200);
      const [row] = await t.db.query('SELECT participant_id FROM race_result WHERE result_set_id = $1', [res.body.categories[0].resultSetId]);
      expect(row.participant_id).not.toBe(john);
    });

    it('refuses while a real import of an event of either rider is running, and the import still completes', async () => {
      const bo = await idOf('Bo', 'Chen');
      const cy = await idOf('Cyd', 'Diaz');
      const rows = Array.from({ length: 30_000 }, (_, i) => `${i + 1},Load${i},Runner${i}`).join('\n');
      const importing = t.http().post(`/api/events/${events[2].id}/results/import`).set(AUTH).field('category', 'X')
        .attach('file', Buffer.from(`Place,First Name,Last Name\n${rows}\n`), 'big.csv').then((res) => res);
      // The import holds its event's row from its first statement to its commit.
      const probe = new Client({ connectionString: t.sandbox.databaseUrl });
      await probe.connect();
      try {
        await eventually(async () => (await probe.query('SELECT id FROM event WHERE id = $1 FOR SHARE SKIP LOCKED', [events[2].id])).rowCount === 0, 30_000, 10);
      } finally {
        await probe.end();
      }
      const aliases = (await snapshot()).aliases;
      const res = await t.http().post(`/api/participants/${bo}/merge`).set(AUTH).send({ intoId: cy }).expect(409);
      expect(res.body.message).toMatch(/An import or another change of event \d+ \("Round 3"\) is running/);
      expect((await importing).status).toBe(200);
      await t.http().get(`/api/participants/${bo}`).set(AUTH).expect(200);
      expect((await snapshot()).aliases).toEqual(aliases);
      expect(await auditOf('participant.merge')).toHaveLength(2);
    });

    it('merges two riders of an approved race once a revision fixed it: the superseded version keeps the kept rider\'s result, the audit the other', async () => {
      // Category X: no board reads it, so the other tests' standings are unchanged.
      const setId = await fx.resultSet(events[3].id, 'X');
      await fx.replaceRows(setId, [
        rider('Kai', 'Moana', { position: 1, bib: '7', timeMs: 1_862_000 }),
        rider('Kai', 'Mohana', { position: 2, bib: '7b', timeMs: 1_900_000 }),
      ]);
      await fx.transition(setId, 'APPROVED');
      const kai = await idOf('Kai', 'Moana');
      const typo = await idOf('Kai', 'Mohana');

      const before = await snapshot();
      const refused = await t.http().post(`/api/participants/${typo}/merge`).set(AUTH).send({ intoId: kai }).expect(409);
      expect(refused.body.message).toMatch(/Both riders have a result in "Round 4" \(event \d+\), category "X" \(result set \d+, APPROVED\)/);
      expect(refused.body.message).toMatch(/make a revision, fix it there and publish it/);
      expect(await snapshot()).toEqual(before);

      // The fix the answer asks for: a revision without the second row, published.
      const revision = (await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).send({}).expect(201)).body.id;
      await fx.replaceRows(revision, [rider('Kai', 'Moana', { position: 1, bib: '7', timeMs: 1_862_000 })]);
      await fx.transition(revision, 'APPROVED');
      expect((await t.db.query('SELECT state FROM result_set WHERE id = $1', [setId]))[0].state).toBe('R');

      const merged = await t.http().post(`/api/participants/${typo}/merge`).set(AUTH).send({ intoId: kai, reason: 'Typo' }).expect(200);
      expect(merged.body.moved).toMatchObject({ results: 0, supersededResultsDropped: 1 });
      // The superseded version keeps its first row, the kept rider's, as it was.
      expect(await t.db.query('SELECT participant_id, bib, position FROM race_result WHERE result_set_id = $1', [setId])).toEqual([{ participant_id: kai, bib: '7', position: 1 }]);
      const [audit] = (await auditOf('participant.merge')).filter((a: { entity_id: string }) => a.entity_id === String(typo));
      expect(audit.changes.moved).toMatchObject({ results: 0, supersededResultsDropped: 1 });
      expect(audit.changes.droppedFromSuperseded).toEqual([
        { resultSetId: setId, eventId: events[3].id, category: 'X', bib: '7b', position: 2, status: 'FIN', timeMs: 1_900_000 },
      ]);
      await t.http().get(`/api/participants/${typo}`).set(AUTH).expect(404);
    });
  });
});
