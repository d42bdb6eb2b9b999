import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { Fixtures, rider } from '../support/fixtures';
import { AUTH, startTestApp, TestApp } from '../support/test-app';
import { tamperPart } from '../support/zip';

/**
 * Requests an attacker (or a broken client) can send: each must get a 4xx with a message that
 * says what is wrong, never a 500, and must write nothing.
 */

/** Row counts of every table a request can write; a refused request leaves them as they were. */
async function footprint(t: TestApp): Promise<Record<string, number>> {
  const [row] = await t.db.query(`
    SELECT (SELECT count(*) FROM series)::int AS series,
           (SELECT count(*) FROM event)::int AS events,
           (SELECT count(*) FROM points_scale)::int AS scales,
           (SELECT count(*) FROM leaderboard)::int AS boards,
           (SELECT count(*) FROM result_set WHERE event_id IS NOT NULL)::int AS race_sets,
           (SELECT count(*) FROM race_result WHERE group_key IS NULL)::int AS race_rows,
           (SELECT count(*) FROM participant)::int AS participants,
           (SELECT count(*) FROM custom_list_value)::int AS custom_values,
           (SELECT COALESCE(sum(results_version), 0) FROM recalc_outbox)::int AS outbox`);
  return row;
}

const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const JSON_TYPE = 'application/json';

async function workbook(rows: (string | number)[][], sheet = 'U14 Boys'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** An XML prologue with a billion-laughs DTD, and a reference that would expand it. */
const LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
  + '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
/** The DTD in the part's prologue, and the rider's name (a shared or an inline string) made a reference to it. */
const withDoctype = (xml: string) => xml
  .replace(/^(<\?xml[^>]*\?>\s*)/, `$1${LAUGHS}`)
  .replace('<t>Ann Lee</t>', '<t>&lol3;</t>')
  .replace(/<c r="B2"[^>]*>.*?<\/c>/, '<c r="B2" t="inlineStr"><is><t>&lol3;&xxe;</t></is></c>');

describe('hostile input: a 4xx with a clear message, never a 500, nothing written', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let eventId: number;
  let resultSetId: number;

  beforeAll(async () => {
    t = await startTestApp();
    fx = new Fixtures(t);
    seriesId = await fx.series();
    const scaleId = await fx.scale();
    await fx.leaderboard({ seriesId, name: 'Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'] });
    eventId = await fx.event(seriesId);
    resultSetId = await fx.resultSet(eventId, 'U14 Boys');
    await fx.replaceRows(resultSetId, [rider('Ann', 'Lee', { position: 1 })]);
  });
  afterAll(() => t?.close());

  /** Runs `send` and checks it changed nothing in the database. */
  async function refused(send: () => PromiseLike<Response>, status: number, message: RegExp): Promise<Response> {
    const before = await footprint(t);
    const res = await send();
    expect({ status: res.status, message: res.body.message }).toEqual({ status, message: expect.stringMatching(message) });
    expect(await footprint(t)).toEqual(before);
    return res;
  }

  describe('request bodies the parser refuses, before any key is checked', () => {
    const gzipBomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    it.each<[string, () => { type: string; encoding?: string; body: string | Buffer }, number, RegExp]>([
      ['a 6 MB JSON body', () => ({ type: JSON_TYPE, body: `{"name":"${'x'.repeat(6 * 1024 * 1024)}"}` }), 413, /larger than 5242880 bytes/],
      ['gzip that inflates to 50 MB', () => ({ type: JSON_TYPE, encoding: 'gzip', body: gzipBomb }), 413, /larger than 5242880 bytes/],
      ['JSON in latin1', () => ({ type: `${JSON_TYPE}; charset=latin1`, body: '{"name":"x"}' }), 415, /charset "latin1" is not supported; send UTF-8/],
      ['an unknown Content-Encoding', () => ({ type: JSON_TYPE, encoding: 'x-rot13', body: '{"name":"x"}' }), 415, /Content-Encoding "x-rot13" is not supported/],
      ['a corrupt gzip body', () => ({ type: JSON_TYPE, encoding: 'gzip', body: Buffer.from('not gzip at all') }), 400, /could not be decoded/],
      ['malformed JSON', () => ({ type: JSON_TYPE, body: '{"name":' }), 400, /JSON/],
    ])('%s', async (_, make, status, message) => {
      const { type, encoding, body } = make();
      for (const auth of [{}, AUTH]) {
        await refused(() => {
          const req = t.http().post('/api/series').set(auth).set('Content-Type', type);
          // As bytes: superagent would otherwise serialise a Buffer as JSON.
          if (encoding) req.set('Content-Encoding', encoding).serialize((bytes: unknown) => bytes as string);
          return req.send(body);
        }, status, message);
      }
    });

    it('a 200 kB form posted to the retry link', async () => {
      const form = `token=${'a'.repeat(200 * 1024)}`;
      await refused(() => t.http().post('/admin/retry').type('form').send(form), 413, /larger than \d+ bytes/);
    });
  });

  describe('deep nesting: 400 before the validation pipe recurses', () => {
    it.each([
      ['objects 5 000 deep', '/api/series', 'post', deepObject(5_000)],
      ['arrays 50 000 deep', '/api/series', 'post', deepArray(50_000)],
      ['arrays 50 000 deep as result rows', '/api/result-sets/:rs/results', 'put', deepArray(50_000)],
      ['objects 5 000 deep in a row', '/api/result-sets/:rs/results', 'put', `[{"participant":${deepObject(5_000)},"status":"FIN"}]`],
      ['objects 5 000 deep as a leaderboard', '/api/leaderboards', 'post', deepObject(5_000)],
    ])('%s', async (_, path, method, body) => {
      const url = path.replace(':rs', String(resultSetId));
      const send = (auth: Record<string, string>) => t.http()[method as 'post' | 'put'](url).set(auth).set('Content-Type', JSON_TYPE).send(body);
      await refused(() => send({}), 401, /admin key|Authorization/i);
      const res = await refused(() => send(AUTH), 400, /Validation failed/);
      expect(res.body.errors[0]).toEqual({ field: 'body', message: expect.stringMatching(/nested more than 32 levels deep/) });
    });

    it('a body of too many values', async () => {
      const res = await refused(() => t.http().post('/api/series').set(AUTH).send({ name: 'x', junk: Array(300_000).fill(0) }), 400, /Validation failed/);
      expect(res.body.errors[0]).toEqual({ field: 'body', message: expect.stringMatching(/more than 200000 values/) });
    });

    it('a query string nested deep is not parsed into objects', async () => {
      const query = `${'a'}${'[b]'.repeat(5_000)}=1`;
      const res = await t.http().get(`/api/leaderboards/1/standings?${query}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('a NUL character in a string: 400 naming the field', () => {
    it.each([
      ['a series name', 'post', '/api/series', { name: 'Schools\u0000Cup' }, 'name'],
      ['a custom label', 'post', '/api/series', { name: 'Cup', customLabels: { custom1: 'Sch\u0000ool' } }, 'customLabels.custom1'],
      ['a category', 'post', '/api/leaderboards', { seriesId: 1, name: 'B', type: 'INDIVIDUAL', pointsScaleId: 1, categories: ['U14\u0000'] }, 'categories[0]'],
      ['a rider name', 'put', '/api/result-sets/:rs/results', [rider('Bo', 'Chen\u0000', { position: 2 })], '[0].participant.lastName'],
      ['a custom value', 'put', '/api/result-sets/:rs/results', [rider('Bo', 'Chen', { custom1: '\u0000' })], '[0].custom1'],
      ['a result set category', 'post', '/api/events/:event/result-sets', { category: 'U\u000014', state: 'DRAFT' }, 'category'],
      ['a key', 'post', '/api/series', { name: 'Cup', ['x\u0000']: 1 }, 'body'],
    ])('%s', async (_, method, path, body, field) => {
      const url = path.replace(':rs', String(resultSetId)).replace(':event', String(eventId));
      const res = await refused(() => t.http()[method as 'post' | 'put'](url).set(AUTH).send(body as object), 400, /Validation failed/);
      expect(res.body.errors).toContainEqual({ field, message: expect.stringMatching(/NUL character/) });
    });

    it('in a path parameter or a query value', async () => {
      let res = await refused(() => t.http().get('/api/recalculations/%00').set(AUTH), 400, /Validation failed/);
      expect(res.body.errors).toEqual([{ field: 'jobId', message: expect.stringMatching(/NUL character/) }]);
      res = await refused(() => t.http().get('/admin/retry?token=abc%00def'), 400, /Validation failed/);
      expect(res.body.errors).toEqual([{ field: 'token', message: expect.stringMatching(/NUL character/) }]);
    });
  });

  describe('imports', () => {
    const upload = (file: Buffer, name: string) =>
      t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).attach('file', file, name).field('category', 'U14 Boys');

    const CSV_PART = 'Content-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\nPlace,Name\n1,Ann Lee\n';
    it.each([
      ['no boundary', 'multipart/form-data', `--b\r\n${CSV_PART}\r\n--b--\r\n`],
      ['an empty boundary', 'multipart/form-data; boundary=', `--\r\n${CSV_PART}\r\n----\r\n`],
      ['a cut-off form', 'multipart/form-data; boundary=b', `--b\r\n${CSV_PART}`],
      ['a malformed part header', 'multipart/form-data; boundary=b', `--b\r\nContent-Disposition form-data\r\n\r\nx\r\n--b--\r\n`],
      ['a file part under another name', 'multipart/form-data; boundary=b', `--b\r\n${CSV_PART.replace('name="file"', 'name="other"')}\r\n--b--\r\n`],
      ['a form of a thousand fields', 'multipart/form-data; boundary=b', `${'--b\r\nContent-Disposition: form-data; name="category"\r\n\r\nU14\r\n'.repeat(1000)}--b--\r\n`],
      ['multipart/mixed', 'multipart/mixed; boundary=b', `--b\r\n${CSV_PART}\r\n--b--\r\n`],
      ['a charset busboy does not know', 'multipart/form-data; boundary=b; charset=x-klingon', `--b\r\n${CSV_PART}\r\n--b--\r\n`],
    ])('a multipart upload with %s: 4xx', async (_, type, body) => {
      const before = await footprint(t);
      const res = await t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).set('Content-Type', type).send(body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await footprint(t)).toEqual(before);
    });

    it('a NUL in a CSV cell after the first 4 kB: 422 naming the cell', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => `${i + 1},Rider Number${i + 1}`);
      rows[250] = '251,Rider\u0000Nul';
      const csv = Buffer.from(`Place,Name\n${rows.join('\n')}\n`);
      const res = await refused(() => upload(csv, 'r.csv'), 422, /./);
      expect(res.body.errors).toEqual([{ sheet: null, row: 252, column: 'Name', message: expect.stringMatching(/NUL character/) }]);
    });

    it('a NUL in a CSV category cell after the first 4 kB: 422', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => `${i + 1},Rider Number${i + 1},U14 Boys`);
      rows[260] = '261,Rider Nul,U14\u0000Boys';
      const csv = Buffer.from(`Place,Name,Category\n${rows.join('\n')}\n`);
      const res = await refused(() => t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).attach('file', csv, 'r.csv'), 422, /./);
      expect(res.body.errors).toEqual([{ sheet: null, row: 262, column: 'Category', message: expect.stringMatching(/NUL character/) }]);
    });

    it('a NUL in the first 4 kB of a CSV: 415, as any binary file', async () => {
      await refused(() => upload(Buffer.from('Place,Name\n1,Ann\u0000Lee\n'), 'r.csv'), 415, /not a spreadsheet/);
    });

    it.each([
      ['a shared string', 'xl/sharedStrings.xml', (xml: string) => xml.replace('<t>Ann Lee</t>', '<t>Ann&#0;Lee</t>')],
      ['a shared string (raw byte)', 'xl/sharedStrings.xml', (xml: string) => xml.replace('<t>Ann Lee</t>', '<t>Ann\u0000Lee</t>')],
      ['an inline string', 'xl/worksheets/sheet1.xml', (xml: string) => xml.replace(/<c r="B2"[^>]*>.*?<\/c>/, '<c r="B2" t="inlineStr"><is><t>Ann&#0;Lee</t></is></c>')],
      ['an inline string (raw byte)', 'xl/worksheets/sheet1.xml', (xml: string) => xml.replace(/<c r="B2"[^>]*>.*?<\/c>/, '<c r="B2" t="inlineStr"><is><t>Ann\u0000Lee</t></is></c>')],
      ['a sheet name', 'xl/workbook.xml', (xml: string) => xml.replace('name="U14 Boys"', 'name="U14&#0;Boys"')],
    ])('a NUL in %s of a workbook: 4xx', async (_, part, rewrite) => {
      const file = await tamperPart(await workbook([['Place', 'Name'], [1, 'Ann Lee']]), part, rewrite);
      const before = await footprint(t);
      const res = await t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).attach('file', file, 'r.xlsx');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.message).toMatch(/NUL character|could not be read|corrupt|not allowed/);
      expect(await footprint(t)).toEqual(before);
    });

    it.each(['xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml', 'xl/workbook.xml', 'xl/styles.xml', 'xl/_rels/workbook.xml.rels', '[Content_Types].xml'])(
      'a DOCTYPE (entities, XXE) in %s: 400',
      async (part) => {
        const file = await tamperPart(await workbook([['Place', 'Name'], [1, 'Ann Lee']]), part, withDoctype);
        await refused(() => upload(file, 'lol.xlsx'), 400, /declares a DOCTYPE/);
      },
    );
  });

  describe('an over-long list of result rows', () => {
    it('100 000 empty rows: 400 without validating each, /health stays responsive', async () => {
      const body = JSON.stringify(Array(100_000).fill({}));
      const started = Date.now();
      const health: number[] = [];
      const put = t.http().put(`/api/result-sets/${resultSetId}/results`).set(AUTH).set('Content-Type', JSON_TYPE).send(body)
        .then((res) => ({ res, ms: Date.now() - started }));
      let done = false;
      void put.then(() => (done = true));
      while (!done) {
        const at = Date.now();
        await t.http().get('/health');
        health.push(Date.now() - at);
      }
      const { res, ms } = await put;
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body', message: 'at most 10000 rows per request; import larger files' }]);
      expect((await t.http().get(`/api/result-sets/${resultSetId}`).set(AUTH)).body.results).toHaveLength(1);
      process.stdout.write(`100 000 empty rows: 400 in ${ms} ms; slowest /health meanwhile ${Math.max(0, ...health)} ms\n`);
    });
  });

  describe('the defensive net in the error filter', () => {
    it('maps PostgreSQL 22021 (invalid byte sequence) and 54001 (stack depth) to 400', async () => {
      const { HttpErrorFilter } = await import('../../src/common/errors/http-exception.filter');
      const { QueryFailedError } = await import('typeorm');
      for (const code of ['22021', '54001']) {
        const sent: { status?: number; body?: { statusCode: number; message: string } } = {};
        const response = { headersSent: false, status(s: number) { sent.status = s; return this; }, json(b: never) { sent.body = b; } };
        const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ path: '/api/series', method: 'POST' }) }) };
        new HttpErrorFilter().catch(new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code })), host as never);
        expect(sent.status).toBe(400);
        expect(sent.body?.message).toMatch(code === '22021' ? /not valid text/ : /nested too deeply/);
      }
    });
  });

  it('a PUT of rows that are not objects (nested arrays, numbers, null) is a 400 naming each, and the set keeps its rows', async () => {
    const res = await t.http().put(`/api/result-sets/${resultSetId}/results`).set(AUTH).set('Content-Type', JSON_TYPE).send('[[], 7, null, {"participant":{"firstName":"A","lastName":"B"},"status":"FIN"}, [[]]]').expect(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(['[0]', '[1]', '[2]', '[4]']);
    expect(res.body.errors[0].message).toBe('must be a result row object');
    // A lone nested array used to pass validation as an empty row list and end in a 500.
    await t.http().put(`/api/result-sets/${resultSetId}/results`).set(AUTH).set('Content-Type', JSON_TYPE).send('[[]]').expect(400);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1', [resultSetId]);
    expect(n).toBe(1);
  });

  describe('random odd JSON (property test)', () => {
    const odd = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }), fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 })),
    })).value;
    const nested = fc.tuple(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => open.repeat(depth) + 'null' + (open === '[' ? ']' : '}').repeat(depth));

    it.each([
      ['post', '/api/series'],
      ['put', '/api/result-sets/:rs/results'],
      ['post', '/api/leaderboards'],
    ])('%s %s never answers 500', async (method, path) => {
      const url = path.replace(':rs', String(resultSetId));
      await fc.assert(
        fc.asyncProperty(fc.oneof(odd.map((v) => JSON.stringify(v)), nested), async (body) => {
          const res = await t.http()[method as 'post' | 'put'](url).set(AUTH).set('Content-Type', JSON_TYPE).send(body);
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: 60 },
      );
    });
  });
});
