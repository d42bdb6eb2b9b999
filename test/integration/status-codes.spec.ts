/**
 * Status codes through the API (issue 15, part A): results and imports take every code, a
 * placed DNF is accepted with a warning, scales name each code's rule, boards score missed
 * races as DNC, and an Appendix A series scores as docs/scoring.md's hand-worked table.
 */
import fc from 'fast-check';
import { QueryRunner } from 'typeorm';
import { computeStandings } from '../../src/calculators';
import type { ComputeInput, PointsScaleConfig, Status } from '../../src/calculators/types';
import { StatusCodes1796000000000 } from '../../src/migrations/1796000000000-StatusCodes';
import { Fixtures, rider } from '../support/fixtures';
import { settled } from '../support/sync';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

describe('status codes through the API', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '200' });
    fx = new Fixtures(t);
    seriesId = await fx.series();
  });
  afterAll(() => t?.close());

  const upload = (eventId: number, csv: string, fields: Record<string, string> = {}) => {
    const req = t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).attach('file', Buffer.from(csv), 'results.csv');
    for (const [key, value] of Object.entries(fields)) req.field(key, value);
    return req;
  };
  const rowsOf = async (resultSetId: number) =>
    (await t.http().get(`/api/result-sets/${resultSetId}`).set(AUTH).expect(200)).body.results.map((r: { participant: { lastName: string }; position: number | null; status: string }) =>
      [r.participant.lastName, r.position, r.status]).sort((a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1));

  describe('results', () => {
    it('take every code; a non-finisher with a place is kept with a warning and the place dropped', async () => {
      const set = await fx.resultSet(await fx.event(seriesId), 'Open');
      const res = await t.http().put(`/api/result-sets/${set}/results`).set(AUTH).send([
        rider('Ann', 'Lee', { position: 1 }),
        rider('Bo', 'Chen', { position: 2, status: 'ZFP' }),
        rider('Cy', 'Diaz', { position: 3, status: 'DNF' }),
        rider('Di', 'Evans', { status: 'OCS' }),
        rider('Ed', 'Fox', { status: 'RDG' }),
      ]).expect(200);
      expect(res.body.warnings).toEqual(['[2].position: a DNF rider has no place; the place 3 was ignored']);
      expect(await rowsOf(set)).toEqual([['Chen', 2, 'ZFP'], ['Diaz', null, 'DNF'], ['Evans', null, 'OCS'], ['Fox', null, 'RDG'], ['Lee', 1, 'FIN']]);
      // A PATCH to a penalty on the place keeps the place; one that sends a place with a RET drops it, with a warning.
      const row = (await t.http().get(`/api/result-sets/${set}`).set(AUTH).expect(200)).body.results.find((r: { position: number }) => r.position === 1);
      const scp = await t.http().patch(`/api/results/${row.id}`).set(AUTH).send({ status: 'SCP' }).expect(200);
      expect(scp.body).toMatchObject({ position: 1, status: 'SCP' });
      expect(scp.body.warnings).toEqual([]);
      const patched = await t.http().patch(`/api/results/${row.id}`).set(AUTH).send({ status: 'RET', position: 4 }).expect(200);
      expect(patched.body).toMatchObject({ position: null, status: 'RET', warnings: ['body[0].position: a RET rider has no place; the place 4 was ignored'] });
    });

    it('refuse an unknown code, listing the known ones', async () => {
      const set = await fx.resultSet(await fx.event(seriesId), 'Open');
      const res = await t.http().put(`/api/result-sets/${set}/results`).set(AUTH).send([rider('Ann', 'Lee', { status: 'LOST' })]).expect(400);
      expect(res.body.errors).toEqual([{ field: '[0].status', message: expect.stringMatching(/^unknown status code "LOST"; known: FIN, DNF, DNS, DSQ, DNC, OCS, ZFP/) }]);
    });
  });

  describe('imports', () => {
    it('read every code, DQ, RET, OTL and LAP; a placed DNF is a warning, not a refusal', async () => {
      const eventId = await fx.event(seriesId);
      const res = await upload(eventId, 'Place,Name,Status\n1,Al Ash,\n2,Bea Birch,LAP\n3,Cal Cedar,DNF\n,Dot Dale,RET\n,Eli Elm,DQ\n,Fay Fir,OTL\n,Gus Gum,ocs\n', { category: 'Open' }).expect(200);
      expect(res.body.warnings).toEqual(['row 4: a DNF rider has no place; the place 3 was ignored']);
      expect(await rowsOf(res.body.categories[0].resultSetId)).toEqual([
        ['Ash', 1, 'FIN'], ['Birch', 2, 'FIN'], ['Cedar', null, 'DNF'], ['Dale', null, 'RET'], ['Elm', null, 'DSQ'], ['Fir', null, 'DNF'], ['Gum', null, 'OCS'],
      ]);
    });

    it('map the file\'s own words with statusSynonyms', async () => {
      const eventId = await fx.event(seriesId);
      const res = await upload(eventId, 'Place,Name,Status\n1,Al Ash,\n,Bea Birch,ABD\n,Cal Cedar,OTL\n', { category: 'Open', statusSynonyms: 'ABD=RET, otl=DNS' }).expect(200);
      expect(await rowsOf(res.body.categories[0].resultSetId)).toEqual([['Ash', 1, 'FIN'], ['Birch', null, 'RET'], ['Cedar', null, 'DNS']]);
      // The import's audit row says which words it was told to read.
      const [audit] = await t.db.query(`SELECT changes FROM audit_log WHERE action = 'event.import' AND entity_id = $1`, [String(eventId)]);
      expect(audit.changes.statusSynonyms).toEqual({ ABD: 'RET', OTL: 'DNS' });
    });

    it('refuse an unknown word with a 422 listing the known codes, and bad synonyms with a 400', async () => {
      const eventId = await fx.event(seriesId);
      const res = await upload(eventId, 'Place,Name,Status\n1,Al Ash,\n,Bea Birch,ABD\n', { category: 'Open' }).expect(422);
      expect(res.body.errors).toEqual([{ sheet: null, row: 3, column: 'Status', message: expect.stringContaining('"ABD" is not a status; use DNF, DNS, DSQ (or DQ), DNC, OCS, ZFP, UFD, BFD, SCP, NSC, RET, RAF, DNE, DGM, DPI, RDG, OTL, LAP') }]);
      const bad = await upload(eventId, 'Place,Name\n1,Al Ash\n', { category: 'Open', statusSynonyms: 'ABD=GONE' }).expect(400);
      expect(JSON.stringify(bad.body)).toMatch(/statusSynonyms.*GONE is not a status code/);
    });
  });

  describe('scales and boards', () => {
    it('a scale names each code\'s rule; a bad rule is a 400 naming the field', async () => {
      const created = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'RRS', kind: 'TABLE', table: [1], lowPoint: true, codes: { SCP: { penaltyPercent: 30 } } }).expect(201);
      expect(created.body.codes).toEqual({ SCP: { penaltyPercent: 30 } });
      const plain = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Plain', kind: 'TABLE', table: [1], lowPoint: true }).expect(201);
      expect(plain.body.codes).toEqual({});
      const res = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Bad', kind: 'TABLE', table: [1], codes: { ZFP: { penaltyPercent: 120 } } }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'codes.ZFP.penaltyPercent', message: expect.stringContaining('must be a percentage from 0 to 100, got 120') }]);
      const unknown = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Bad', kind: 'TABLE', table: [1], codes: { XYZ: 3 } }).expect(400);
      expect(unknown.body.errors[0]).toMatchObject({ field: 'codes.XYZ', message: expect.stringContaining('known: DNF, DNS, DSQ, DNC') });
    });

    it('take codes as a list too, stored as the object; a code listed twice is a 400 naming codes[i].code', async () => {
      const listed = await t.http().post('/api/points-scales').set(AUTH)
        .send({ name: 'Listed', kind: 'TABLE', table: [1], lowPoint: true, codes: [{ code: 'DNF', base: 'STARTERS', plus: 1 }, { code: 'DPI', penaltyPoints: 2 }, { code: 'RDG', points: 4 }] })
        .expect(201);
      expect(listed.body.codes).toEqual({ DNF: { base: 'STARTERS', plus: 1 }, DPI: { penaltyPoints: 2 }, RDG: { points: 4 } });
      const [stored] = await t.db.query('SELECT config FROM points_scale WHERE id = $1', [listed.body.id]);
      expect(stored.config.codes).toEqual(listed.body.codes);
      const twice = await t.http().post('/api/points-scales').set(AUTH)
        .send({ name: 'Twice', kind: 'TABLE', table: [1], codes: [{ code: 'DNF', points: 3 }, { code: 'DNS', points: 3 }, { code: 'DNF', points: 5 }] })
        .expect(400);
      expect(twice.body.errors).toEqual([{ field: 'codes[2].code', message: 'DNF is listed twice (first at codes[0])' }]);
      const bad = await t.http().post('/api/points-scales').set(AUTH)
        .send({ name: 'Bad', kind: 'TABLE', table: [1], codes: [{ code: 'DNF', points: 3 }, { code: 'ZFP', penaltyPercent: 120 }, 7, { points: 1 }] })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'codes[2]', message: expect.stringContaining('must be a rule object with its code') },
        { field: 'codes[3].code', message: 'must be a status code, e.g. "DNF"' },
      ]);
      const rule = await t.http().post('/api/points-scales').set(AUTH)
        .send({ name: 'Bad', kind: 'TABLE', table: [1], codes: [{ code: 'DNF', points: 3 }, { code: 'ZFP', penaltyPercent: 120 }] })
        .expect(400);
      expect(rule.body.errors).toEqual([{ field: 'codes[1].penaltyPercent', message: 'codes[1].penaltyPercent must be a percentage from 0 to 100, got 120' }]);
      const unknown = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Bad', kind: 'TABLE', table: [1], codes: [{ code: '__proto__', points: 1 }] }).expect(400);
      expect(unknown.body.errors[0]).toMatchObject({ field: 'codes[0]', message: expect.stringContaining('unknown status code "__proto__"') });
      const notCodes = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Bad', kind: 'TABLE', table: [1], codes: 'DNF=3' }).expect(400);
      expect(notCodes.body.errors).toEqual([{ field: 'codes', message: expect.stringContaining('codes must be an object of status code → rule, or a list') }]);
      // A PATCH with the list of what is stored changes nothing; another list replaces the codes.
      const auditRows = async () => (await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'points_scale' AND entity_id = $1`, [String(listed.body.id)]))[0].n;
      const rowsBefore = await auditRows();
      await t.http().patch(`/api/points-scales/${listed.body.id}`).set(AUTH)
        .send({ codes: [{ code: 'DNF', base: 'STARTERS', plus: 1 }, { code: 'DPI', penaltyPoints: 2 }, { code: 'RDG', points: 4 }] }).expect(200);
      expect(await auditRows()).toBe(rowsBefore);
      const patched = await t.http().patch(`/api/points-scales/${listed.body.id}`).set(AUTH).send({ codes: [{ code: 'RET', points: 9 }] }).expect(200);
      expect(patched.body.codes).toEqual({ RET: { points: 9 } });
      const patchTwice = await t.http().patch(`/api/points-scales/${listed.body.id}`).set(AUTH).send({ codes: [{ code: 'RET', points: 9 }, { code: 'RET', points: 8 }] }).expect(400);
      expect(patchTwice.body.errors).toEqual([{ field: 'codes[1].code', message: 'RET is listed twice (first at codes[0])' }]);
    });

    it('a PATCH edits codes; codes set to null go back to the defaults ({}), a bad rule is a 400 and changes nothing', async () => {
      const { body: scale } = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Club', kind: 'TABLE', table: [1], lowPoint: true }).expect(201);
      const edited = await t.http().patch(`/api/points-scales/${scale.id}`).set(AUTH).send({ codes: { DPI: { penaltyPoints: 2 } } }).expect(200);
      expect(edited.body.codes).toEqual({ DPI: { penaltyPoints: 2 } });
      const bad = await t.http().patch(`/api/points-scales/${scale.id}`).set(AUTH).send({ codes: { RET: { redress: 'AVERAGE' } } }).expect(400);
      expect(bad.body.errors).toEqual([{ field: 'codes.RET.redress', message: 'redress is for RDG, not RET' }]);
      const reset = await t.http().patch(`/api/points-scales/${scale.id}`).set(AUTH).send({ codes: null }).expect(200);
      expect(reset.body.codes).toEqual({});
      expect((await t.http().get(`/api/points-scales/${scale.id}`).expect(200)).body.codes).toEqual({});
    });

    it('a new board scores missed races as DNC on a low-point scale, not on a high-point one; a change marks it pending', async () => {
      const low = await fx.scale({ name: 'Low', kind: 'TABLE', table: [1], lowPoint: true });
      const high = await fx.scale();
      const onLow = await t.http().post('/api/leaderboards').set(AUTH).send({ seriesId, name: 'L', type: 'INDIVIDUAL', pointsScaleId: low, categories: ['Open'] }).expect(201);
      const onHigh = await t.http().post('/api/leaderboards').set(AUTH).send({ seriesId, name: 'H', type: 'INDIVIDUAL', pointsScaleId: high, categories: ['Open'] }).expect(201);
      expect([onLow.body.missed, onHigh.body.missed]).toEqual(['DNC', 'NONE']);
      await settled(t, onHigh.body.id);
      const patched = await t.http().patch(`/api/leaderboards/${onHigh.body.id}`).set(AUTH).send({ missed: 'DNC' }).expect(200);
      expect(patched.body).toMatchObject({ missed: 'DNC', pending: { dueAt: expect.any(String) } });
      const bad = await t.http().patch(`/api/leaderboards/${onHigh.body.id}`).set(AUTH).send({ missed: 'DNS' }).expect(400);
      expect(JSON.stringify(bad.body)).toMatch(/missed must be one of the following values: NONE, DNC/);
    });
  });

  it('the OpenAPI document describes codes, missed and the new result fields, with examples', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    const schemas = doc.components.schemas;
    expect(schemas.CreatePointsScaleDto.properties.codes).toMatchObject({
      oneOf: [{ type: 'object' }, { type: 'array', items: { $ref: '#/components/schemas/CodeListEntryDto' } }], example: { ZFP: { penaltyPercent: 20 } },
    });
    expect(schemas.CodeListEntryDto.properties.code).toMatchObject({ example: 'DNF' });
    expect(Object.keys(schemas.CodeScoringDto.properties)).toEqual(['base', 'plus', 'points', 'penaltyPercent', 'penaltyPoints', 'redress', 'eventIds', 'discardable']);
    expect(schemas.CreateLeaderboardDto.properties.missed).toMatchObject({ enum: ['NONE', 'DNC'], example: 'DNC' });
    expect(schemas.ResultRowDto.properties.status.description).toMatch(/RDG redress; or an organiser-defined code \(GET \/api\/status-codes\)/);
    expect(schemas.ResultSetView.properties.warnings).toBeDefined();
    const examples = doc.paths['/api/points-scales'].post.requestBody.content['application/json'].examples;
    expect(examples['RRS Appendix A low point']).toMatchObject({ value: { lowPoint: true, codes: {} } });
    expect(examples['Codes as a list']).toMatchObject({ value: { codes: [{ code: 'DNF', base: 'STARTERS', plus: 1 }, expect.anything(), expect.anything()] } });
  });

  /** docs/scoring.md §7's hand-worked table, through the API. */
  it('an Appendix A series with every code scores as docs/scoring.md works it by hand', async () => {
    const series = await fx.series({ name: 'Spring Series', customLabels: {} });
    const scale = await fx.scale({ name: 'RRS Appendix A low point', kind: 'TABLE', table: [1], lowPoint: true, codes: { DPI: { penaltyPoints: 2 } } });
    const board = await fx.leaderboard({ seriesId: series, name: 'ILCA 7', type: 'INDIVIDUAL', pointsScaleId: scale, categories: ['ILCA 7'], dropWorst: 1 });
    const boat = (name: string, what: number | string | [number, string]) => {
      const [position, status] = typeof what === 'number' ? [what, 'FIN'] : Array.isArray(what) ? what : [undefined, what];
      return { participant: { firstName: 'Boat', lastName: name }, status, ...(position === undefined ? {} : { position }) };
    };
    const races: [string, number | string | [number, string]][][] = [
      [['A', 1], ['B', 2], ['C', [3, 'ZFP']], ['D', 4], ['E', 'OCS'], ['F', 'DNS']],
      [['A', 2], ['B', [1, 'SCP']], ['C', 'UFD'], ['D', 3], ['E', [4, 'DPI']]],
      [['A', 'BFD'], ['B', 'NSC'], ['C', 1], ['D', 'DNF'], ['E', 2], ['F', 3]],
      [['A', 'RET'], ['B', 'RAF'], ['C', 'DSQ'], ['D', 'DNE'], ['E', 'DGM'], ['F', 'RDG']],
    ];
    for (const [i, race] of races.entries()) {
      const set = await fx.resultSet(await fx.event(series, { name: `Race ${i + 1}`, date: `2026-05-0${i + 1}` }), 'ILCA 7');
      await fx.replaceRows(set, race.map(([name, what]) => boat(name, what)));
    }
    await t.http().post(`/api/leaderboards/${board}/recalculate`).set(AUTH).expect(202);
    await settled(t, board);
    const standings = (await t.http().get(`/api/leaderboards/${board}/standings`).expect(200)).body;
    const entries = standings.entries as { name: string; points: number; position: number; breakdown: { counted: { status: string; points: number }[]; dropped: { status: string; points: number }[] } }[];
    expect(entries.map((e) => [e.name, e.points, e.position])).toEqual([
      ['Boat A', 10, 1], ['Boat B', 11.4, 2], ['Boat C', 12.4, 3], ['Boat D', 14, 4], ['Boat E', 15, 5], ['Boat F', 15.7, 6],
    ]);
    const f = entries[5].breakdown;
    expect([f.counted.map((l) => `${l.status} ${l.points}`), f.dropped.map((l) => `${l.status} ${l.points}`)]).toEqual([['DNC 7', 'FIN 3', 'RDG 5.7'], ['DNS 7']]);
    // For the closing note: the standings as the API returned them.
    if (process.env.PRINT_SAILING_EXAMPLE) console.log(JSON.stringify(entries.map((e) => ({ position: e.position, name: e.name, points: e.points, counted: e.breakdown.counted.map((l) => `${l.status} ${l.points}`), dropped: e.breakdown.dropped.map((l) => `${l.status} ${l.points}`) }))));
  });

  /**
   * The migration writes each scale's implicit rules into `codes`: scored before and after, any
   * season gives the same standings (scales stored before the codes, run through the statement).
   */
  it('the migration maps existing scales to codes that score exactly as before', async () => {
    const legacy: PointsScaleConfig[] = [
      { kind: 'TABLE', table: [1], lowPoint: true },
      { kind: 'TABLE', table: [1], lowPoint: true, statusPoints: { DNF: 9, DSQ: 12 } },
      { kind: 'TABLE', table: [25, 18, 15], statusPoints: { DNF: 2, DNS: 1 }, dsqNonDroppable: true },
      { kind: 'FIELD_SIZE' },
    ];
    const ids: number[] = [];
    for (const scale of legacy) {
      const { kind, ...config } = scale;
      const [row] = await t.db.query(`INSERT INTO points_scale (name, kind, config) VALUES ('old', $1, $2) RETURNING id`, [kind, config]);
      ids.push(row.id);
    }
    // The migration's scale statement on these rows (its other statements already ran on this database).
    const runner = { query: (sql: string) => (sql.startsWith('UPDATE points_scale') ? t.db.query(sql) : Promise.resolve()) } as unknown as QueryRunner;
    await new StatusCodes1796000000000().up(runner);
    const migrated: PointsScaleConfig[] = [];
    for (const id of ids) {
      const [row] = await t.db.query('SELECT kind, config FROM points_scale WHERE id = $1', [id]);
      migrated.push({ kind: row.kind, ...row.config });
    }
    expect(migrated.every((s) => s.codes !== undefined)).toBe(true);
    const codes: Status[] = ['FIN', 'DNF', 'DNS', 'DSQ', 'DNC', 'OCS', 'ZFP', 'RET', 'DNE', 'RDG', 'DPI'];
    const season = fc.array(fc.record({ event: fc.integer({ min: 1, max: 3 }), rider: fc.integer({ min: 1, max: 6 }), place: fc.option(fc.integer({ min: 1, max: 6 })), status: fc.constantFrom(...codes) }), { maxLength: 18 });
    fc.assert(
      fc.property(season, fc.integer({ min: 0, max: legacy.length - 1 }), fc.constantFrom(0, 1), (rows, s, dropWorst) => {
        const seen = new Set<string>();
        const results = rows.filter((r) => !seen.has(`${r.event}:${r.rider}`) && seen.add(`${r.event}:${r.rider}`)).map((r, i) => {
          const placed = ['FIN', 'ZFP', 'DPI'].includes(r.status) && r.place !== null;
          return { id: i + 1, eventId: r.event, category: 'Open', participantId: r.rider, participantName: `R${r.rider}`, custom1: null, custom2: null, custom3: null, position: placed ? r.place : null, status: r.status };
        });
        const input = (scale: PointsScaleConfig): ComputeInput => ({
          scale,
          board: { type: 'INDIVIDUAL', categories: [{ code: 'Open', multiplier: 1 }], eventScope: 'ALL', dropWorst },
          events: [1, 2, 3].map((id) => ({ id, name: `E${id}`, date: `2026-01-0${id}`, starred: false, pointsMultiplier: 1 })),
          results,
        });
        expect(computeStandings(input(migrated[s]))).toEqual(computeStandings(input(legacy[s])));
      }),
      { numRuns: 300 },
    );
    // Existing boards keep scoring no missed races.
    const [column] = await t.db.query(`SELECT column_default FROM information_schema.columns WHERE table_name = 'leaderboard' AND column_name = 'missed'`);
    expect(column.column_default).toBe("'NONE'::text");
  });
});
