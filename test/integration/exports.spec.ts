import ExcelJS from 'exceljs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import type request from 'superagent';
import { parse } from 'csv-parse/sync';
import { Fixtures, rider } from '../support/fixtures';
import { settled } from '../support/sync';
import { seedSeason } from '../../bench/seed';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

type Row = (string | number | null)[];

/** Buffers a binary body (supertest only buffers text by default). */
function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

async function readXlsx(body: Buffer): Promise<Row[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: Row[] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: Row = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v === undefined || v === null ? null : (v as string | number));
    }
    rows[row.number - 1] = trimmed(cells);
  });
  return Array.from(rows, (r) => r ?? []);
}

/** The CSV's cells with numbers as numbers, blank as null, so CSV and XLSX compare equal. */
function typed(rows: string[][]): Row[] {
  return rows.map((r) => trimmed(r.map((c) => (c === '' ? null : /^-?\d+(\.\d+)?$/.test(c) ? Number(c) : c))));
}

/** Without trailing blank cells (a workbook does not store them). */
function trimmed(row: Row): Row {
  let end = row.length;
  while (end > 0 && row[end - 1] === null) end--;
  return row.slice(0, end);
}

describe('standings exports (CSV, XLSX)', () => {
  let t: TestApp;
  let fx: Fixtures;
  let boardId: number;
  let draftBoardId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '200', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '250' });
    fx = new Fixtures(t);
    const seriesId = await fx.series({ name: 'Export Cup', customLabels: { custom1: 'Academy' } });
    const scaleId = await fx.scale({ name: 'F1 DSQ -5', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1], statusPoints: { DSQ: -5 } });
    // Created out of date order: columns follow the dates.
    const final = await fx.event(seriesId, { name: 'Final', date: '2026-04-01' });
    const round1 = await fx.event(seriesId, { name: 'Round 1', date: '2026-03-01' });
    const round2 = await fx.event(seriesId, { name: 'Round 2', date: '2026-03-15' });
    boardId = await fx.leaderboard({ seriesId, name: 'Open Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Open'], dropWorst: 1, tieBreaks: [] });
    draftBoardId = await fx.leaderboard({ seriesId, name: 'Coupe d’Été', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Open'], initialState: 'DRAFT' });

    const ann = (extra: object) => rider('Ann', 'Lee', { custom1: 'Hillside', ...extra });
    const evil = (extra: object) => rider('=HYPERLINK("http://evil.example","x")', 'Bad', { custom1: '@Hill', ...extra });
    const plus = (extra: object) => rider('+1', 'Plus', { custom1: 'Riverside', ...extra });
    const minus = (extra: object) => rider('-2', 'Minus', { custom1: 'Riverside', ...extra });
    const fay = (extra: object) => rider('Fay', 'Out', { custom1: 'Hillside', ...extra });
    const gil = (extra: object) => rider('Gil', 'Foul', { custom1: 'Hillside', ...extra });
    await fx.replaceRows(await fx.resultSet(round1, 'Open'), [
      ann({ position: 1 }), evil({ position: 2 }), plus({ position: 3 }), minus({ status: 'DNF' }), fay({ status: 'DNF' }), gil({ status: 'DSQ' }),
    ]);
    await fx.replaceRows(await fx.resultSet(round2, 'Open'), [
      evil({ position: 1 }), ann({ position: 2 }), minus({ position: 3 }), plus({ status: 'DNF' }), fay({ status: 'DNF' }), gil({ status: 'DSQ' }),
    ]);
    await fx.replaceRows(await fx.resultSet(final, 'Open'), [
      plus({ position: 1 }), minus({ position: 2 }), ann({ position: 3 }), evil({ position: 4 }),
    ]);
    await settled(t, boardId);
    await settled(t, draftBoardId);
  });
  afterAll(() => t?.close());

  const EXPECTED: Record<string, Row> = {
    // position, name, group, points, Round 1, Round 2, Final
    'Ann Lee': ['\'=1', 'Ann Lee', 'Hillside', 43, 25, 18, '(15)'],
    'Bad': ['\'=1', '\'=HYPERLINK("http://evil.example","x") Bad', '\'@Hill', 43, 18, 25, '(12)'],
    'Plus': [3, '\'+1 Plus', 'Riverside', 40, 15, '(DNF)', 25],
    'Minus': [4, '\'-2 Minus', 'Riverside', 33, '(DNF)', 15, 18],
    'Fay Out': [5, 'Fay Out', 'Hillside', 0, '(DNF)', 'DNF', null],
    'Gil Foul': [6, 'Gil Foul', 'Hillside', -5, '(DSQ -5)', 'DSQ -5', null],
  };

  function checkSheet(rows: Row[], jsonEntries: { name: string; points: number; position: number }[]): void {
    expect(rows[0]).toEqual(['Leaderboard', 'Open Boys']);
    expect(rows[1]).toEqual(['State', 'PROVISIONAL']);
    expect(String(rows[2][1])).toMatch(/^\d{4}-\d\d-\d\dT/);
    const headerAt = rows.findIndex((r) => r[0] === 'Position');
    expect(rows[headerAt]).toEqual(['Position', 'Rider', 'Academy', 'Points', 'Round 1', 'Round 2', 'Final']);
    const entries = rows.slice(headerAt + 1).filter((r) => r.length > 0);
    expect(entries).toHaveLength(jsonEntries.length);
    // Same order, names, points and positions as the JSON standings.
    entries.forEach((row, i) => {
      const json = jsonEntries[i];
      expect(String(row[1]).replace(/^'/, '')).toBe(json.name);
      expect(row[3]).toBe(json.points);
      // A tie's "=1" is text starting with "=": neutralised like any other.
      expect(String(row[0]).replace(/^'=/, '')).toBe(String(json.position));
    });
    for (const [key, expected] of Object.entries(EXPECTED)) {
      expect(entries.find((r) => String(r[1]).endsWith(key))).toEqual(trimmed(expected));
    }
  }

  async function jsonStandings(): Promise<{ name: string; points: number; position: number; breakdown: { counted: unknown[]; dropped: unknown[] } }[]> {
    return (await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200)).body.entries;
  }

  it('CSV: UTF-8 with BOM, CRLF, the page\'s columns, dropped results in parentheses, DNFs, ties as "=1", formulas neutralised', async () => {
    const res = await t.http().get(`/api/leaderboards/${boardId}/standings.csv`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="open-boys-standings.csv"');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    expect(text).toContain('\r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    // RFC 4180: the quotes of the formula are doubled inside a quoted field.
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"",""x"") Bad"');
    // Negative points stay a number, not neutralised text.
    expect(text).toMatch(/,Gil Foul,Hillside,-5,/);
    const json = await jsonStandings();
    // The JSON breakdown agrees with the cells: Ann's dropped result is the Final, Plus's counted ones are two.
    const annJson = json.find((e) => e.name === 'Ann Lee')!;
    expect(annJson.breakdown.dropped).toHaveLength(1);
    expect(annJson.breakdown.counted).toHaveLength(2);
    checkSheet(typed(parse(text, { relax_column_count: true })), json);
  });

  it('XLSX: read back with exceljs, the same cells as the CSV; numbers are numeric cells', async () => {
    const res = await t.http().get(`/api/leaderboards/${boardId}/standings.xlsx`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="open-boys-standings.xlsx"');
    const rows = await readXlsx(res.body as Buffer);
    checkSheet(rows, await jsonStandings());
    const csv = await t.http().get(`/api/leaderboards/${boardId}/standings.csv`).buffer(true).parse(binary).expect(200);
    const csvRows = typed(parse((csv.body as Buffer).toString('utf8').slice(1), { relax_column_count: true }));
    // Title rows aside (the time is the same too), both formats hold the same cells.
    expect(rows.filter((r) => r.length > 0)).toEqual(csvRows.filter((r) => r.some((c) => c !== null)));
    expect(rows.flat().filter((c) => typeof c === 'number')).toContain(-5);
  });

  it('unpublished standings are 404 to the public and 200 with the admin key; missing boards are 404; a non-ASCII name gets filename*', async () => {
    for (const ext of ['csv', 'xlsx']) {
      await t.http().get(`/api/leaderboards/${draftBoardId}/standings.${ext}`).expect(404);
      await t.http().get(`/api/leaderboards/99999999/standings.${ext}`).expect(404);
      await t.http().get(`/api/leaderboards/abc/standings.${ext}`).expect(400);
      const admin = await t.http().get(`/api/leaderboards/${draftBoardId}/standings.${ext}`).set(AUTH).buffer(true).parse(binary).expect(200);
      expect(admin.headers['content-disposition']).toBe(
        `attachment; filename="coupe-d-ete-standings.${ext}"; filename*=UTF-8''coupe-d-%C3%A9t%C3%A9-standings.${ext}`,
      );
    }
    const csv = await t.http().get(`/api/leaderboards/${draftBoardId}/standings.csv`).set(AUTH).buffer(true).parse(binary).expect(200);
    expect((csv.body as Buffer).toString('utf8')).toContain('State,DRAFT');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(doc.paths['/api/leaderboards/{id}/standings.csv'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/leaderboards/{id}/standings.xlsx'].get.responses['404']).toBeDefined();
  });
});

/** A client that stops reading must not hold the export's snapshot (and a pool connection) for ever. */
describe('a stalled export download', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ EXPORT_STALL_TIMEOUT_MS: '500' });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t?.close());

  it('is cut off after EXPORT_STALL_TIMEOUT_MS and its transaction ends', async () => {
    // 50,000 entries with long names, about 60 MB of CSV: far more than the socket buffers hold
    // (loopback TCP autotunes a receive buffer up to tcp_rmem's maximum, 32 MB here).
    const board = await seedSeason(t.db, { events: 1, categories: 1, riders: 50_000 });
    await t.db.query(`UPDATE participant SET first_name = repeat('F', 500), last_name = 'L' || id || repeat('l', 490)`);
    await t.db.query(`UPDATE custom_list_value SET name = repeat('S', 190) || id`);
    await t.http().post(`/api/leaderboards/${board.leaderboardId}/recalculate`).set(AUTH).expect(202);
    await eventually(async () => (await t.http().get(`/api/leaderboards/${board.leaderboardId}/standings?limit=1`)).status === 200, 60_000);

    const exporting = async () => {
      const [row] = await t.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%group_key IS NOT NULL AND seq > $2%'`,
      );
      return row.n;
    };
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const request = http.get(`http://127.0.0.1:${port}/api/leaderboards/${board.leaderboardId}/standings.csv`);
    request.on('error', () => undefined);
    request.on('response', (res) => res.pause()); // reads nothing more
    try {
      await eventually(async () => (await exporting()) === 1, 20_000);
      await eventually(async () => (await exporting()) === 0, 5_000);
    } finally {
      request.destroy();
    }
  }, 60_000);
});
