import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { recordChangeEvents } from '../support/events';
import { countRows, Fixtures } from '../support/fixtures';
import { settled, standingsRows } from '../support/sync';
import { AUTH, eventually, QUICK_RECALC, startTestApp, TestApp } from '../support/test-app';
import { zip } from '../support/zip';

type Row = (string | number | Date | null | { formula: string; result?: unknown })[];

async function workbook(sheets: Record<string, Row[]>, hidden: string[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name, { state: hidden.includes(name) ? 'hidden' : 'visible' });
    for (const row of rows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Counts of everything an import writes, to prove a refused import wrote nothing. Standings
 * sets and rows are left out: the boards' own recalculations write those meanwhile.
 */
async function footprint(t: TestApp): Promise<Record<string, number>> {
  const [row] = await t.db.query(`
    SELECT (SELECT count(*) FROM race_result WHERE group_key IS NULL)::int AS race_rows,
           (SELECT count(*) FROM result_set WHERE event_id IS NOT NULL)::int AS race_sets,
           (SELECT count(*) FROM participant)::int AS participants,
           (SELECT count(*) FROM custom_list_value)::int AS custom_values,
           (SELECT count(*) FROM custom_list)::int AS custom_lists,
           (SELECT COALESCE(sum(results_version), 0) FROM recalc_outbox)::int AS outbox`);
  return row;
}

describe('spreadsheet imports', () => {
  let t: TestApp;
  let fx: Fixtures;
  let recorder: ReturnType<typeof recordChangeEvents>;
  let seriesId: number;
  let scaleId: number;
  let boys: number;
  let girls: number;

  const upload = (eventId: number, file: Buffer, name: string, fields: Record<string, string> = {}) => {
    const req = t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).attach('file', file, name);
    for (const [key, value] of Object.entries(fields)) req.field(key, value);
    return req;
  };
  const rowsOf = async (resultSetId: number) => (await t.http().get(`/api/result-sets/${resultSetId}`).set(AUTH).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp(QUICK_RECALC);
    fx = new Fixtures(t);
    recorder = recordChangeEvents(t);
    seriesId = await fx.series();
    scaleId = await fx.scale();
    boys = await fx.leaderboard({ seriesId, name: 'Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'] });
    girls = await fx.leaderboard({ seriesId, name: 'Girls', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Girls'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => recorder.clear());

  it('imports a workbook with one sheet per category: one transaction, one change event', async () => {
    const eventId = await fx.event(seriesId);
    const file = await workbook({
      'Results 14 March': [['Schools Cup, round 1'], []],
      'U14 Boys': [
        ['Pos', 'Bib', 'First Name', 'Last Name', 'School', 'Time', 'Status', 'Notes'],
        [1, '7', 'Ann', 'Lee', "St Mary's", '1:02:03.4', null, 'fast'],
        [2, '8', 'Bo', 'Chen', 'Hillside', '1:03:00', '', null],
        [null, '9', 'Cy', 'Diaz', 'Hillside', null, 'DNF', null],
      ],
      'U14 Girls': [
        ['Place', 'Name', 'School'],
        ['1', 'Lee, Dee', 'Hillside'],
        ['2', 'EVANS Eve', "ST MARY'S"],
      ],
    });
    const res = await upload(eventId, file, 'round1.xlsx').expect(200);
    expect(res.body).toMatchObject({ eventId, format: 'xlsx', rows: 5, unknownColumns: ['Notes'] });
    expect(res.body.warnings).toEqual(['Sheet "Results 14 March" has no table (a cover or notes sheet); skipped']);
    const byCategory = Object.fromEntries(res.body.categories.map((c: { category: string }) => [c.category, c]));
    expect(byCategory['U14 Boys']).toMatchObject({ action: 'created', state: 'PROVISIONAL', rows: 3, warnings: [] });
    expect(byCategory['U14 Girls']).toMatchObject({ action: 'created', state: 'PROVISIONAL', rows: 2 });
    expect(res.body.leaderboardIds.sort()).toEqual([boys, girls].sort());

    const boysSet = await rowsOf(byCategory['U14 Boys'].resultSetId);
    expect(boysSet.results).toEqual([
      expect.objectContaining({ position: 1, bib: '7', status: 'FIN', timeMs: 3_723_400, custom1: "St Mary's", participant: expect.objectContaining({ firstName: 'Ann', lastName: 'Lee' }) }),
      expect.objectContaining({ position: 2, timeMs: 3_780_000, custom1: 'Hillside' }),
      expect.objectContaining({ position: null, status: 'DNF', participant: expect.objectContaining({ firstName: 'Cy', lastName: 'Diaz' }) }),
    ]);
    const girlsSet = await rowsOf(byCategory['U14 Girls'].resultSetId);
    expect(girlsSet.results.map((r: { participant: { firstName: string; lastName: string }; custom1: string }) => [r.participant.firstName, r.participant.lastName, r.custom1]))
      .toEqual([['Dee', 'Lee', 'Hillside'], ['Eve', 'EVANS', "St Mary's"]]);

    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toMatchObject({ eventId, seriesId, reason: 'IMPORTED', categories: ['U14 Boys', 'U14 Girls'] });
    expect(recorder.events[0].resultSetIds.sort()).toEqual([byCategory['U14 Boys'].resultSetId, byCategory['U14 Girls'].resultSetId].sort());
  });

  it('reads a Category column, and a CSV with semicolons and a BOM', async () => {
    const eventId = await fx.event(seriesId);
    const csv = '\uFEFFCat;Place;Rider;School;Time\nU14 Boys;1;Fay Gomez;Hillside;62:03\nU14 Girls;1;Gil Hart;Hillside;3725,5\nU14 Boys;2;Hal Ito;Hillside;\n';
    const res = await upload(eventId, Buffer.from(csv, 'utf8'), 'results.csv').expect(200);
    expect(res.body).toMatchObject({ format: 'csv', rows: 3 });
    const [b, g] = res.body.categories;
    expect([b.category, b.rows, g.category, g.rows]).toEqual(['U14 Boys', 2, 'U14 Girls', 1]);
    const boysSet = await rowsOf(b.resultSetId);
    expect(boysSet.results[0]).toMatchObject({ position: 1, timeMs: 3_723_000, participant: { firstName: 'Fay', lastName: 'Gomez' } });
    expect((await rowsOf(g.resultSetId)).results[0]).toMatchObject({ timeMs: 3_725_500 });
  });

  it('takes the category form field for a single-category file, and the requested state', async () => {
    const eventId = await fx.event(seriesId);
    const csv = 'Place,First Name,Last Name\n1,Ian,Jones\n';
    const res = await upload(eventId, Buffer.from(csv), 'boys.csv', { category: 'U14 Boys', state: 'DRAFT' }).expect(200);
    expect(res.body.categories[0]).toMatchObject({ category: 'U14 Boys', state: 'DRAFT', rows: 1 });
    // A DRAFT feeds no board: the change is published but marks nothing.
    expect(recorder.events[0].leaderboardIds).toEqual([]);
  });

  it('warns about a category no board reads', async () => {
    const eventId = await fx.event(seriesId);
    const res = await upload(eventId, Buffer.from('Place,Name\n1,Jo King\n'), 'x.csv', { category: 'U14 Boy' }).expect(200);
    expect(res.body.categories[0].warnings).toEqual([expect.stringContaining('No active leaderboard of this series reads category "U14 Boy"')]);
  });

  it('uses the cached values of formula cells, never the formulas', async () => {
    const eventId = await fx.event(seriesId);
    const file = await workbook({ 'U14 Boys': [['Place', 'Name', 'Time'], [{ formula: '0+1', result: 1 }, 'Kai Lund', { formula: 'A2*60', result: 61.5 }], [{ formula: 'A2+1' }, 'Lou Moss', null]] });
    const res = await upload(eventId, file, 'f.xlsx').expect(200);
    const set = await rowsOf(res.body.categories[0].resultSetId);
    expect(set.results.map((r: { position: number | null; timeMs: number | null }) => [r.position, r.timeMs])).toEqual([[1, 61_500], [null, null]]);
  });

  it('skips hidden sheets and says so', async () => {
    const eventId = await fx.event(seriesId);
    const file = await workbook({ 'U14 Boys': [['Place', 'Name'], [1, 'Max Ng']], Lookup: [['Place', 'Name'], [1, 'Not Me']] }, ['Lookup']);
    const res = await upload(eventId, file, 'h.xlsx').expect(200);
    expect(res.body.rows).toBe(1);
    expect(res.body.warnings).toContain('Sheet "Lookup" is hidden; skipped');
  });

  describe('row problems: 422 with every problem, nothing written, nothing published', () => {
    const header = ['Place', 'First Name', 'Last Name', 'Time', 'Status'];
    it.each([
      ['a place that is not a number', [['first', 'A', 'B', null, null]], 'Place', /"first" is not a place/],
      ['a place of zero', [[0, 'A', 'B', null, null]], 'Place', /place must be a whole number from 1/],
      ['a duplicate place not marked as a tie', [[1, 'A', 'B', null, null], [1, 'C', 'D', null, null]], null, /place 1 is given to 2 riders .* mark a shared place "=1"/],
      ['a missing name', [[1, null, 'B', null, null]], 'First Name', /a name is required/],
      ['an unparseable time', [[1, 'A', 'B', '1:75:00', null]], 'Time', /minutes and seconds go up to 59/],
      ['an unknown status', [[null, 'A', 'B', null, 'LOST']], 'Status', /"LOST" is not a status/],
      ['the same rider twice', [[1, 'A', 'B', null, null], [2, 'a', 'b', null, null]], null, /the same rider as row 2/],
    ])('%s', async (_, rows, column, message) => {
      const eventId = await fx.event(seriesId);
      const before = await footprint(t);
      const file = await workbook({ 'U14 Boys': [header, ...(rows as Row[])] });
      const res = await upload(eventId, file, 'bad.xlsx').expect(422);
      expect(res.body).toMatchObject({ statusCode: 422, totalErrors: 1, message: expect.stringContaining('nothing was imported') });
      expect(res.body.errors).toEqual([{ sheet: 'U14 Boys', row: rows.length + 1, column, message: expect.stringMatching(message) }]);
      expect(await footprint(t)).toEqual(before);
      expect(recorder.events).toHaveLength(0);
    });

    it('accepts a shared place marked on every rider who holds it', async () => {
      const eventId = await fx.event(seriesId);
      const file = await workbook({ 'U14 Boys': [header, ['=1', 'Ned', 'Orr', null, null], ['1=', 'Oli', 'Park', null, null], [3, 'Pia', 'Quinn', null, null]] });
      const res = await upload(eventId, file, 'tie.xlsx').expect(200);
      const set = await rowsOf(res.body.categories[0].resultSetId);
      expect(set.results.map((r: { position: number }) => r.position)).toEqual([1, 1, 3]);
    });

    it('lists problems across sheets in file order, capped at 200 with the total', async () => {
      const eventId = await fx.event(seriesId);
      const bad = Array.from({ length: 150 }, (_, i) => ['x', `F${i}`, `L${i}`, 'soon', null]);
      const before = await footprint(t);
      const res = await upload(eventId, await workbook({ 'U14 Boys': [header, ...bad], 'U14 Girls': [header, ...bad] }), 'many.xlsx').expect(422);
      expect(res.body.totalErrors).toBe(600);
      expect(res.body.errors).toHaveLength(200);
      expect(res.body.errors[0]).toEqual({ sheet: 'U14 Boys', row: 2, column: 'Place', message: expect.any(String) });
      expect(res.body.errors[1]).toMatchObject({ sheet: 'U14 Boys', row: 2, column: 'Time' });
      expect(res.body.errors[199]).toMatchObject({ sheet: 'U14 Boys', row: 101 });
      expect(await footprint(t)).toEqual(before);
    });
  });

  describe('files that are not what was expected: a clear 4xx, nothing written', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 0)]);
    it.each([
      ['a renamed PNG', () => png, 'photo.xlsx', 415, /not a spreadsheet/],
      ['a password-protected workbook', () => ole, 'locked.xlsx', 415, /password-protected workbook or an old \.xls/],
      ['an empty file', () => Buffer.alloc(0), 'empty.csv', 400, /The file is empty/],
      ['a corrupt workbook', async () => (await workbook({ 'U14 Boys': [['Place', 'Name'], [1, 'A B']] })).subarray(0, 300), 'cut.xlsx', 400, /corrupt/],
      ['a ZIP that is not a workbook', async () => zip([{ name: 'readme.txt', data: Buffer.from('hello') }]), 'x.xlsx', 415, /not an Excel workbook/],
      ['a CSV that is not UTF-8', () => Buffer.from('Place,Name\n1,Zo\xe9 Lam\n', 'latin1'), 'latin.csv', 415, /not UTF-8/],
      ['no recognisable header', () => Buffer.from('a,b,c\n1,2,3\n'), 'x.csv', 400, /no recognisable header row/],
      ['a CSV without a category', () => Buffer.from('Place,Name\n1,Ann Lee\n'), 'x.csv', 400, /no Category column; add one, or send the category field/],
      ['a workbook whose sheet is named Sheet1', async () => workbook({ Sheet1: [['Place', 'Name'], [1, 'Ann Lee']] }), 'x.xlsx', 400, /name each sheet after its category/],
      ['a malformed CSV', () => Buffer.from('Place,Name,Category\n1,"Ann Lee,U14 Boys\n'), 'x.csv', 400, /malformed/],
    ])('%s', async (_, make, name, status, message) => {
      const eventId = await fx.event(seriesId);
      const before = await footprint(t);
      const res = await upload(eventId, await make(), name).expect(status);
      expect(res.body.message).toMatch(message);
      expect(await footprint(t)).toEqual(before);
      expect(recorder.events).toHaveLength(0);
    });

    it('a ZIP bomb is refused from its directory, before anything is inflated', async () => {
      const eventId = await fx.event(seriesId);
      const bomb = zip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(300 * 1024 * 1024) }]);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const res = await upload(eventId, bomb, 'bomb.xlsx').expect(413);
      expect(res.body.message).toMatch(/unpacks to more than 104857600 bytes/);
    });

    it('a ZIP that lies about its sizes is refused when it inflates past them', async () => {
      const eventId = await fx.event(seriesId);
      const forged = zip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 1000 }]);
      const res = await upload(eventId, forged, 'forged.xlsx').expect(400);
      expect(res.body.message).toMatch(/corrupt/);
    });

    it('answers 400 without a file, 404 for an unknown event, 401 without a key', async () => {
      const eventId = await fx.event(seriesId);
      const res = await t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).field('category', 'U14 Boys').expect(400);
      expect(res.body.errors).toEqual([{ field: 'file', message: expect.stringContaining('multipart/form-data part "file"') }]);
      await upload(999_999, Buffer.from('Place,Name\n1,A B\n'), 'x.csv', { category: 'U14 Boys' }).expect(404);
      await upload(eventId, Buffer.from('Place,Name\n1,A B\n'), 'x.csv', { state: 'APPROVED', category: 'U14 Boys' }).expect(400);
      await t.http().post(`/api/events/${eventId}/results/import`).attach('file', Buffer.from('Place,Name\n1,A B\n'), 'x.csv').expect(401);
    });

    it('keeps prototype names out of the field map', async () => {
      const eventId = await fx.event(seriesId);
      const res = await upload(eventId, Buffer.from('Place,Name,__proto__,constructor\n1,Ann Lee,polluted,x\n'), 'p.csv', { category: 'U14 Boys' }).expect(200);
      expect(res.body.unknownColumns).toEqual(['__proto__', 'constructor']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('writes an import into an APPROVED set as a DRAFT revision, leaving the approved rows alone', async () => {
    const eventId = await fx.event(seriesId);
    const first = await upload(eventId, Buffer.from('Place,Name\n1,Rae Sato\n2,Sam Tan\n'), 'r.csv', { category: 'U14 Boys' }).expect(200);
    const approvedId = first.body.categories[0].resultSetId;
    await fx.transition(approvedId, 'APPROVED');
    recorder.clear();

    const res = await upload(eventId, Buffer.from('Place,Name\n1,Sam Tan\n2,Rae Sato\n'), 'r.csv', { category: 'U14 Boys' }).expect(200);
    const [written] = res.body.categories;
    expect(written).toMatchObject({ action: 'revision', state: 'DRAFT', revises: approvedId, rows: 2 });
    expect(written.warnings[0]).toMatch(/is APPROVED and was not changed; the rows went to its DRAFT revision/);
    expect((await rowsOf(approvedId)).results.map((r: { participant: { firstName: string } }) => r.participant.firstName)).toEqual(['Rae', 'Sam']);
    expect((await rowsOf(written.resultSetId)).results.map((r: { participant: { firstName: string } }) => r.participant.firstName)).toEqual(['Sam', 'Rae']);
    // A second import goes to the same open revision.
    const again = await upload(eventId, Buffer.from('Place,Name\n1,Sam Tan\n'), 'r.csv', { category: 'U14 Boys' }).expect(200);
    expect(again.body.categories[0].resultSetId).toBe(written.resultSetId);
  });

  it('matches riders by licence, else by name within their school', async () => {
    const e1 = await fx.event(seriesId);
    const e2 = await fx.event(seriesId);
    await upload(e1, Buffer.from('Place,Name,School,Licence\n1,Uma Vance,Hillside,\n2,Uma Vance,Riverside,\n3,Val Wu,Hillside,LIC-9\n'), 'a.csv', { category: 'U14 Girls' }).expect(200);
    const res = await upload(e2, Buffer.from('Place,Name,School,Licence\n1,uma  vance,HILLSIDE,\n2,Uma Vance,Riverside,\n3,Valerie Wu,Riverside,LIC-9\n'), 'b.csv', { category: 'U14 Girls' }).expect(200);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM participant WHERE lower(last_name) IN ('vance', 'wu')`);
    expect(n).toBe(3);
    const set = await rowsOf(res.body.categories[0].resultSetId);
    // The licence wins over the name, and the latest spelling is kept.
    expect(set.results[2].participant).toMatchObject({ externalId: 'LIC-9', firstName: 'Valerie' });
  });

  it('refuses two rows that both match one rider already on file: 422 naming both rows, nothing written', async () => {
    const e1 = await fx.event(seriesId);
    const e2 = await fx.event(seriesId);
    // Ivy raced without a school, so she may be either Ivy of the next file.
    await upload(e1, Buffer.from('Place,Name\n1,Ivy Quist\n'), 'a.csv', { category: 'U14 Girls' }).expect(200);
    recorder.clear();
    const before = await footprint(t);
    const res = await upload(e2, Buffer.from('Place,Name,School\n1,Ivy Quist,Hillside\n2,Bea Roe,Hillside\n3,Ivy Quist,\n'), 'b.csv', { category: 'U14 Girls' }).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422, totalErrors: 1, message: expect.stringContaining('nothing was imported') });
    expect(res.body.errors).toEqual([{
      sheet: null, row: 4, column: null,
      message: expect.stringMatching(/^the same rider as row 2 in category "U14 Girls": both rows match Ivy Quist, a rider already on file who could be either; add a licence/),
    }]);
    expect(await footprint(t)).toEqual(before);
    expect(recorder.events).toHaveLength(0);
  });

  it('matches a licensed rider that another transaction created while the import waited for it', async () => {
    const eventId = await fx.event(seriesId);
    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      const [{ id }] = await other.query(`INSERT INTO participant (external_id, first_name, last_name) VALUES ('LIC-MEANWHILE', 'Rae', 'Lane') RETURNING id`);
      const answer = upload(eventId, Buffer.from('Place,Name,Licence\n1,Rae Lane,LIC-MEANWHILE\n'), 'meanwhile.csv', { category: 'U14 Girls' }).then((res) => res);
      // The import's upsert waits on the uncommitted licence; its snapshot predates the commit.
      await eventually(async () => (await t.db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO participant%'`,
      )).length > 0);
      await other.commitTransaction();
      const res = await answer;
      expect(res.status).toBe(200);
      expect((await rowsOf(res.body.categories[0].resultSetId)).results[0].participant).toMatchObject({ id, externalId: 'LIC-MEANWHILE' });
    } finally {
      await other.release();
    }
  });

  it('keeps a licensed rider and an unlicensed namesake of one file apart, import after import', async () => {
    const eventId = await fx.event(seriesId);
    const file = Buffer.from('Place,Name,Licence\n1,Noa Vale,LIC-NOA\n2,Noa Vale,\n');
    const first = await upload(eventId, file, 'namesakes.csv', { category: 'U14 Girls' }).expect(200);
    const setId = first.body.categories[0].resultSetId;
    const ridersOf = async () => (await rowsOf(setId)).results.map((r: { id: number; participant: { id: number; externalId?: string } }) => [r.id, r.participant.id, r.participant.externalId ?? null]);
    const before = await ridersOf();
    expect(before).toHaveLength(2);
    expect(new Set(before.map((r: unknown[]) => r[1])).size).toBe(2);
    await upload(eventId, file, 'namesakes.csv', { category: 'U14 Girls' }).expect(200);
    expect(await ridersOf()).toEqual(before);
  });

  it('keeps awkward text as written: quotes, backslashes, commas, braces, the word NULL', async () => {
    const eventId = await fx.event(seriesId);
    const riders: [string, string, string, string][] = [
      ['Zoë "Zee"', 'O\'Brien, Jr', 'back\\slash {club}', 'B"1'],
      ['NULL', 'Null', 'NULL', 'NULL'],
      ['Ann', 'Lee\\', ' ', '\\'],
    ];
    const file = await workbook({ 'U14 Girls': [['Place', 'First Name', 'Last Name', 'School', 'Bib'], ...riders.map(([f, l, g, b], i) => [i + 1, f, l, g, b])] });
    const res = await upload(eventId, file, 'awkward.xlsx').expect(200);
    const set = await rowsOf(res.body.categories[0].resultSetId);
    expect(set.results.map((r: { participant: { firstName: string; lastName: string }; custom1: string | null; bib: string }) =>
      [r.participant.firstName, r.participant.lastName, r.custom1, r.bib])).toEqual([
      ['Zoë "Zee"', "O'Brien, Jr", 'back\\slash {club}', 'B"1'],
      ['NULL', 'Null', 'NULL', 'NULL'],
      ['Ann', 'Lee\\', null, '\\'],
    ]);
  });

  it('resolves groups across batches: a school first seen late, and one spelt in another case, each get the right value', async () => {
    const eventId = await fx.event(seriesId);
    const rows: string[] = ['Place,Name,School'];
    for (let i = 1; i <= 11_000; i++) {
      const school = i === 10_500 ? 'Late Comers' : i > 6_000 && i % 2 === 0 ? 'HILLSIDE' : 'Hillside';
      rows.push(`${i},Grp${i} Batch,${school}`);
    }
    const res = await upload(eventId, Buffer.from(rows.join('\n')), 'groups.csv', { category: 'U14 Boys' }).expect(200);
    const counts = await t.db.query(
      `SELECT v.name, count(*)::int AS n FROM race_result r JOIN custom_list_value v ON v.id = r.custom1_id
        WHERE r.result_set_id = $1 GROUP BY v.name ORDER BY v.name`,
      [res.body.categories[0].resultSetId],
    );
    expect(counts).toEqual([{ name: 'Hillside', n: 10_999 }, { name: 'Late Comers', n: 1 }]);
  }, 60_000);

  it('a re-import of the same file is idempotent: same rows, same standings after recalculation', async () => {
    const eventId = await fx.event(seriesId, { name: 'Idempotent' });
    const file = await workbook({
      'U14 Boys': [['Place', 'Name', 'School'], [1, 'Ari Ban', 'Hillside'], [2, 'Ben Cole', 'Riverside'], ['=3', 'Cal Dunn', 'Hillside'], ['=3', 'Dan Eng', 'Hillside'], [null, 'Eli Fox', 'DNF']],
    });
    const strip = (rows: { id: number; participant: { id: number } }[]) => rows.map(({ id, ...rest }) => (void id, rest));
    const first = await upload(eventId, file, 'same.xlsx').expect(200);
    await settled(t, boys);
    const rowsBefore = strip((await rowsOf(first.body.categories[0].resultSetId)).results);
    const standingsBefore = await standingsRows(t, boys);
    const participantsBefore = await countRows(t, 'participant');

    const idsBefore = (await rowsOf(first.body.categories[0].resultSetId)).results.map((r: { id: number }) => r.id);
    const second = await upload(eventId, file, 'same.xlsx').expect(200);
    expect(second.body.categories[0]).toMatchObject({ action: 'replaced', resultSetId: first.body.categories[0].resultSetId });
    await settled(t, boys);
    const rowsAfter = (await rowsOf(second.body.categories[0].resultSetId)).results;
    expect(strip(rowsAfter)).toEqual(rowsBefore);
    // Nothing changed, so nothing was rewritten: the very same rows.
    expect(rowsAfter.map((r: { id: number }) => r.id)).toEqual(idsBefore);
    expect(await countRows(t, 'participant')).toBe(participantsBefore);
    expect(await standingsRows(t, boys)).toEqual(standingsBefore);
  });

  describe('npm run import', () => {
    // Each test starts the command in a new Node process that compiles it with ts-node: 20-40 s
    // on a loaded 2-core machine, so 60 s left too little room.
    const CLI_TIMEOUT_MS = 120_000;
    let dir: string;
    beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'podium-import-'))));
    afterAll(() => rm(dir, { recursive: true, force: true }));

    /** The command as organisers run it (`npm run import -- …` runs exactly this), on this test's database. */
    const cli = async (args: string[]) => {
      const script = join(__dirname, '..', '..', 'src', 'cli', 'import.ts');
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], {
          cwd: join(__dirname, '..', '..'),
          env: { ...process.env, ...t.sandbox.env },
        });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };

    it('imports a file, prints what it wrote, and enqueues the recalculation', async () => {
      const eventId = await fx.event(seriesId, { name: 'From the command line' });
      const file = join(dir, 'round.xlsx');
      await writeFile(file, await workbook({ 'U14 Boys': [['Place', 'Name', 'School'], [1, 'Cli Ann', 'Hillside'], [2, 'Cli Bo', 'Hillside']] }));
      const out = await cli(['--event', String(eventId), file]);
      expect(out).toMatchObject({ code: 0 });
      expect(out.stdout).toMatch(/Imported 2 rows \(xlsx\) into event \d+:\n  U14 Boys: 2 rows → result set \d+, created, PROVISIONAL/);
      expect(out.stdout).toContain(`leaderboards to recalculate: ${boys}`);
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM race_result r JOIN result_set s ON s.id = r.result_set_id WHERE s.event_id = $1`, [eventId]);
      expect(n).toBe(2);
      // The command's change event went through the same listener: the board is recalculated with the new rows.
      await settled(t, boys);
      expect((await standingsRows(t, boys)).map((r) => r.name)).toEqual(expect.arrayContaining(['Cli Ann', 'Cli Bo']));
    }, CLI_TIMEOUT_MS);

    it('lists every problem, exits 1 and writes nothing', async () => {
      const eventId = await fx.event(seriesId);
      const file = join(dir, 'bad.csv');
      await writeFile(file, 'Place,Name\nfirst,Ann Lee\n2,Bo\n');
      const before = await footprint(t);
      const out = await cli(['--event', String(eventId), '--category', 'U14 Boys', file]);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('row 2, column "Place": "first" is not a place');
      expect(out.stderr).toContain('row 3, column "Name": "Bo" needs a first and a last name');
      expect(out.stderr).toContain('The file has 2 problems; nothing was imported');
      expect(await footprint(t)).toEqual(before);
    }, CLI_TIMEOUT_MS);

    it('reads the file\'s own status words with --status-synonyms, and refuses a bad pair as the form field does', async () => {
      const eventId = await fx.event(seriesId, { name: 'Synonyms from the command line' });
      const file = join(dir, 'synonyms.csv');
      await writeFile(file, 'Place,Name,School,Status\n1,Syn Ann,Hillside,\n,Syn Bo,Hillside,ABD\n,Syn Cy,Hillside,OTL\n');
      const out = await cli(['--event', String(eventId), '--category', 'U14 Boys', '--status-synonyms', 'ABD=RET, otl=DNS', file]);
      expect(out).toMatchObject({ code: 0 });
      const rows = await t.db.query(
        `SELECT p.last_name, r.status FROM race_result r JOIN result_set s ON s.id = r.result_set_id JOIN participant p ON p.id = r.participant_id
          WHERE s.event_id = $1 ORDER BY p.last_name`, [eventId]);
      expect(rows).toEqual([{ last_name: 'Ann', status: 'FIN' }, { last_name: 'Bo', status: 'RET' }, { last_name: 'Cy', status: 'DNS' }]);
      const [audit] = await t.db.query(`SELECT changes FROM audit_log WHERE action = 'event.import' AND entity_id = $1::text ORDER BY id DESC LIMIT 1`, [eventId]);
      expect(audit.changes.statusSynonyms).toEqual({ ABD: 'RET', OTL: 'DNS' });

      const before = await footprint(t);
      const bad = await cli(['--event', String(eventId), '--category', 'U14 Boys', '--status-synonyms', 'ABD=GONE', file]);
      expect(bad.code).toBe(2);
      // The form field's words: POST …/results/import answers 400 { field: 'statusSynonyms', message: the same }.
      expect(bad.stderr).toContain('--status-synonyms: "ABD=GONE": GONE is not a status code; known: FIN, DNF');
      const twice = await cli(['--event', String(eventId), '--status-synonyms', 'ABD=RET, abd=DNF', file]);
      expect(twice.code).toBe(2);
      expect(twice.stderr).toContain('--status-synonyms: "abd" is mapped twice');
      expect(await footprint(t)).toEqual(before);
    }, CLI_TIMEOUT_MS);

    it('explains bad usage with exit code 2', async () => {
      const out = await cli(['results.xlsx']);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('--event must be an event id');
      expect(out.stderr).toContain('usage: npm run import -- --event <id>');
    }, CLI_TIMEOUT_MS);
  });

  describe('a problem after rows were already sent to the database', () => {
    // Rows go to the database 5 000 at a time while the file is read: these files fail after
    // two batches were written, and the whole transaction must still leave nothing behind.
    const manyRows = (prefix: string): Row[] => [['Place', 'Name'], ...Array.from({ length: 12_000 }, (_, i): Row => [i + 1, `${prefix}${i} Late`])];

    it('a bad row at the end: 422, nothing written', async () => {
      const eventId = await fx.event(seriesId);
      const before = await footprint(t);
      const rows = [...manyRows('Bad'), [12_001, 'NoLastName']];
      const res = await upload(eventId, await workbook({ 'U14 Boys': rows }), 'late.xlsx').expect(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ row: 12_002, column: 'Name' })]);
      expect(await footprint(t)).toEqual(before);
      expect(recorder.events).toHaveLength(0);
    }, 60_000);

    it('a sheet without a header after a good one: 400, nothing written', async () => {
      const eventId = await fx.event(seriesId);
      const before = await footprint(t);
      const file = await workbook({ 'U14 Boys': manyRows('Hdr'), 'U14 Girls': [['who', 'where'], ['Ann Lee', 'Hillside']] });
      const res = await upload(eventId, file, 'late.xlsx').expect(400);
      expect(res.body.message).toMatch(/Sheet "U14 Girls" has no recognisable header row/);
      expect(await footprint(t)).toEqual(before);
      expect(recorder.events).toHaveLength(0);
    }, 60_000);
  });

  it('a corrected file rewrites only what changed: edits, additions and removals', async () => {
    const eventId = await fx.event(seriesId, { name: 'Corrections' });
    const first = await upload(eventId, Buffer.from('Place,Name,Time\n1,Fin One,61\n2,Fin Two,62\n3,Fin Three,63\n'), 'v1.csv', { category: 'U14 Boys' }).expect(200);
    const setId = first.body.categories[0].resultSetId;
    const before = new Map((await rowsOf(setId)).results.map((r: { id: number; participant: { lastName: string } }) => [r.participant.lastName, r]));
    // Two dropped out, Three moves up with a new time, Four is new.
    await upload(eventId, Buffer.from('Place,Name,Time\n1,Fin One,61\n2,Fin Three,62.5\n3,Fin Four,64\n'), 'v2.csv', { category: 'U14 Boys' }).expect(200);
    const after = (await rowsOf(setId)).results as { id: number; position: number; timeMs: number; participant: { lastName: string } }[];
    expect(after.map((r) => [r.participant.lastName, r.position, r.timeMs])).toEqual([['One', 1, 61_000], ['Three', 2, 62_500], ['Four', 3, 64_000]]);
    const byName = new Map(after.map((r) => [r.participant.lastName, r]));
    expect(byName.get('One')!.id).toBe((before.get('One') as { id: number }).id);
    expect(byName.get('Three')!.id).toBe((before.get('Three') as { id: number }).id);
    expect(before.has('Four')).toBe(false);
  });

  it('imports a 50 000-row workbook', async () => {
    const eventId = await fx.event(seriesId, { name: 'Mass start' });
    const rows: Row[] = [['Place', 'Bib', 'First Name', 'Last Name', 'School', 'Time']];
    for (let i = 1; i <= 50_000; i++) rows.push([i, String(i), `Rider${i}`, `Mass${i}`, `School ${i % 40}`, 3_600 + i / 10]);
    const res = await upload(eventId, await workbook({ 'U14 Boys': rows }), 'mass.xlsx').expect(200);
    expect(res.body.rows).toBe(50_000);
    const [{ n, places }] = await t.db.query('SELECT count(*)::int AS n, count(DISTINCT position)::int AS places FROM race_result WHERE result_set_id = $1', [res.body.categories[0].resultSetId]);
    expect([n, places]).toEqual([50_000, 50_000]);
  }, 120_000);
});

describe('spreadsheet import limits', () => {
  let t: TestApp;
  let fx: Fixtures;
  let eventId: number;

  beforeAll(async () => {
    t = await startTestApp({ IMPORT_MAX_BYTES: '4096', IMPORT_MAX_ROWS: '50', IMPORT_MAX_ZIP_ENTRIES: '6' });
    fx = new Fixtures(t);
    eventId = await fx.event(await fx.series());
  });
  afterAll(() => t?.close());

  const upload = (file: Buffer, name: string) =>
    t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).field('category', 'U14 Boys').attach('file', file, name);

  it.each([
    ['a file over IMPORT_MAX_BYTES', () => Buffer.from(`Place,Name\n${'1,Ann Lee\n'.repeat(500)}`), 'big.csv', /too large/i],
    ['more rows than IMPORT_MAX_ROWS', () => Buffer.from(`Place,Name\n${Array.from({ length: 51 }, (_, i) => `${i + 1},A B${i}`).join('\n')}`), 'rows.csv', /more than 50 result rows/],
    ['more ZIP entries than IMPORT_MAX_ZIP_ENTRIES', () => zip(Array.from({ length: 7 }, (_, i) => ({ name: `xl/p${i}.xml`, data: Buffer.from('x') }))), 'parts.xlsx', /has 7 parts; at most 6/],
  ])('refuses %s with 413, writing nothing', async (_, make, name, message) => {
    const before = await countRows(t, 'race_result');
    const res = await upload(make(), name).expect(413);
    expect(res.body.message).toMatch(message);
    expect(await countRows(t, 'race_result')).toBe(before);
  });
});
