/**
 * Organiser-defined status codes through the API (issue 15: "plus an organiser-defined list",
 * OTL/LAP configurable per scale): the registry's reads and audited writes, a scale's rule for a
 * registered code, an import that stores OTL as OTL and the board scoring it by that rule, and
 * the refusals (a malformed or built-in code, a scale naming an unregistered code, a delete while
 * the code is used).
 */
import { Fixtures, rider } from '../support/fixtures';
import { settled } from '../support/sync';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

describe('organiser-defined status codes through the API', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '200' });
    fx = new Fixtures(t);
    seriesId = await fx.series({ name: 'XC Cup', customLabels: {} });
  });
  afterAll(() => t?.close());

  const register = (code: string, label = `${code} meaning`) => t.http().post('/api/status-codes').set(AUTH).send({ code, label });
  const upload = (eventId: number, csv: string, fields: Record<string, string> = {}) => {
    const req = t.http().post(`/api/events/${eventId}/results/import`).set(AUTH).attach('file', Buffer.from(csv), 'results.csv');
    for (const [key, value] of Object.entries(fields)) req.field(key, value);
    return req;
  };
  const statuses = async (resultSetId: number) =>
    (await t.http().get(`/api/result-sets/${resultSetId}`).set(AUTH).expect(200)).body.results
      .map((r: { participant: { lastName: string }; position: number | null; status: string }) => [r.participant.lastName, r.position, r.status])
      .sort((a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1));

  it('lists the built-ins with their meaning to anyone; registering takes the admin key and gives numbers from 32, audited', async () => {
    const list = await t.http().get('/api/status-codes').expect(200);
    expect(list.body.items).toHaveLength(17);
    expect(list.body.items[0]).toMatchObject({ code: 'FIN', number: 0, builtIn: true, label: 'finished' });
    expect(list.body.items.map((c: { code: string }) => c.code)).toContain('RDG');

    await t.http().post('/api/status-codes').send({ code: 'OTL', label: 'over the time limit' }).expect(401);
    const otl = await register('OTL', 'over the time limit').expect(201);
    expect(otl.body).toMatchObject({ code: 'OTL', number: 32, builtIn: false, label: 'over the time limit' });
    expect((await register('LAP', 'lapped and pulled').expect(201)).body.number).toBe(33);
    expect((await t.http().get('/api/status-codes/OTL').expect(200)).body.label).toBe('over the time limit');

    const audit = await t.http().get('/api/audit?entity=status_code&entityId=OTL').set(AUTH).expect(200);
    expect(audit.body.items.map((a: { action: string; changes: unknown }) => [a.action, a.changes])).toEqual([
      ['status_code.create', { after: { number: 32, label: 'over the time limit' } }],
    ]);
  });

  it('refuses a malformed, built-in or duplicate code and a missing label, naming the field', async () => {
    expect((await register('otl').expect(400)).body.errors).toEqual([{ field: 'code', message: expect.stringMatching(/capital letters and digits/) }]);
    expect((await register('O').expect(400)).body.errors[0].field).toBe('code');
    expect((await register('DNF').expect(400)).body.errors).toEqual([{ field: 'code', message: expect.stringMatching(/^DNF is a built-in code/) }]);
    expect((await t.http().post('/api/status-codes').set(AUTH).send({ code: 'ABD', label: '' }).expect(400)).body.errors[0].field).toBe('label');
    expect((await register('OTL').expect(409)).body.message).toMatch(/OTL exists already/);
    await t.http().get('/api/status-codes/lower').expect(400);
    await t.http().get('/api/status-codes/NOPE').expect(404);
  });

  it('a scale may name a registered code; naming an unregistered one is a 400 naming codes.<code> and listing the known codes', async () => {
    const bad = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'bad', kind: 'TABLE', table: [10], codes: { XYZ: 3 } }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'codes.XYZ', message: expect.stringMatching(/^unknown status code "XYZ"; known: DNF, DNS, .*RDG, LAP, OTL$/) }]);
    const penalty = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'bad', kind: 'TABLE', table: [10], codes: { OTL: { penaltyPercent: 20 } } }).expect(400);
    expect(penalty.body.errors[0].field).toBe('codes.OTL');
  });

  it('an imported OTL is stored as OTL and scored by the scale\'s rule; an unnamed LAP scores as DNF; the rows and edits take the codes too', async () => {
    // XC points with OTL worth 5 and never discarded; LAP not named: as DNF (0 on a high-point scale), discardable.
    const scale = await fx.scale({ name: 'XC points with OTL', kind: 'TABLE', table: [10, 8, 6], codes: { OTL: { points: 5, discardable: false } } });
    const board = await fx.leaderboard({ seriesId, name: 'Elite', type: 'INDIVIDUAL', pointsScaleId: scale, categories: ['Elite'], dropWorst: 1 });
    const round1 = await fx.event(seriesId, { name: 'Round 1', date: '2026-04-01' });
    const imported = await upload(round1, 'Place,Name,Status\n1,Al Ash,\n2,Bea Birch,OTL\n,Cal Cedar,lap\n', { category: 'Elite' }).expect(200);
    expect(imported.body.warnings).toEqual(['row 3: a OTL rider has no place; the place 2 was ignored']);
    const set1 = imported.body.categories[0].resultSetId;
    expect(await statuses(set1)).toEqual([['Ash', 1, 'FIN'], ['Birch', null, 'OTL'], ['Cedar', null, 'LAP']]);

    const round2 = await fx.event(seriesId, { name: 'Round 2', date: '2026-04-15' });
    const set2 = await fx.resultSet(round2, 'Elite');
    await fx.replaceRows(set2, [rider('Al', 'Ash', { status: 'DNF' }), rider('Bea', 'Birch', { position: 1 }), rider('Cal', 'Cedar', { position: 2 })]);

    await t.http().post(`/api/leaderboards/${board}/recalculate`).set(AUTH).expect(202);
    await settled(t, board);
    const entries = (await t.http().get(`/api/leaderboards/${board}/standings`).expect(200)).body.entries as {
      name: string; points: number; position: number; breakdown: { counted: { status: string; points: number }[]; dropped: { status: string; points: number }[] };
    }[];
    // Al: 10 + 0, the 0 dropped; Bea: OTL's 5 may not be dropped, so her win is; Cal: LAP as DNF (0), dropped.
    expect(entries.map((e) => [e.name, e.points, e.position])).toEqual([['Al Ash', 10, 1], ['Cal Cedar', 8, 2], ['Bea Birch', 5, 3]]);
    const bea = entries[2].breakdown;
    expect([bea.counted.map((l) => `${l.status} ${l.points}`), bea.dropped.map((l) => `${l.status} ${l.points}`)]).toEqual([['OTL 5'], ['FIN 10']]);

    // A PATCH to a registered code, and the scale changed to score LAP: the board follows.
    const al = (await t.http().get(`/api/result-sets/${set2}`).set(AUTH).expect(200)).body.results.find((r: { participant: { lastName: string } }) => r.participant.lastName === 'Ash');
    expect((await t.http().patch(`/api/results/${al.id}`).set(AUTH).send({ status: 'LAP' }).expect(200)).body.status).toBe('LAP');
    await t.http().patch(`/api/points-scales/${scale}`).set(AUTH).send({ codes: { OTL: { points: 5, discardable: false }, LAP: 7 } }).expect(200);
    await t.http().post(`/api/leaderboards/${board}/recalculate`).set(AUTH).expect(202);
    await settled(t, board);
    const after = (await t.http().get(`/api/leaderboards/${board}/standings`).expect(200)).body.entries as { name: string; points: number }[];
    // Al: 10 and LAP 7, the 7 dropped; Cal: LAP 7 and 8, the 7 dropped; Bea: 5 kept, 10 dropped.
    expect(after.map((e) => [e.name, e.points])).toEqual([['Al Ash', 10], ['Cal Cedar', 8], ['Bea Birch', 5]]);

    // Used by results and named by a scale: the delete is refused, saying by what.
    const refused = await t.http().delete('/api/status-codes/OTL').set(AUTH).expect(409);
    expect(refused.body.message).toMatch(/OTL is still used by 1 result\(s\) in event \d+ \(Round 1\) and points scale\(s\) \d+ \(XC points with OTL\)/);
  });

  it('an unknown word in a file is a 422 listing the registered codes too; statusSynonyms may map to a registered code, not to an unknown one', async () => {
    const eventId = await fx.event(seriesId, { name: 'Round 3', date: '2026-05-01' });
    const unknown = await upload(eventId, 'Place,Name,Status\n1,Al Ash,\n,Bea Birch,GONE\n', { category: 'Elite' }).expect(422);
    expect(JSON.stringify(unknown.body)).toMatch(/"GONE\\" is not a status; use DNF, .*RDG, LAP, OTL, or leave it blank/);
    const mapped = await upload(eventId, 'Place,Name,Status\n1,Al Ash,\n,Bea Birch,ABAN\n', { category: 'Elite', statusSynonyms: 'ABAN=OTL' }).expect(200);
    expect(await statuses(mapped.body.categories[0].resultSetId)).toEqual([['Ash', 1, 'FIN'], ['Birch', null, 'OTL']]);
    const bad = await upload(eventId, 'Place,Name\n1,Al Ash\n', { category: 'Elite', statusSynonyms: 'ABAN=NOPE' }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'statusSynonyms', message: expect.stringMatching(/^"ABAN=NOPE": NOPE is not a status code; known: FIN, .*RDG, LAP, OTL$/) }]);
    // PUT rows: an unknown code is named with the known ones.
    const set = await fx.resultSet(await fx.event(seriesId, { name: 'Round 4', date: '2026-05-15' }), 'Elite');
    const rows = await t.http().put(`/api/result-sets/${set}/results`).set(AUTH).send([rider('Al', 'Ash', { status: 'GONE' })]).expect(400);
    expect(rows.body.errors).toEqual([{ field: '[0].status', message: expect.stringMatching(/known: FIN, DNF, .*RDG, LAP, OTL$/) }]);
  });

  it('relabels an organiser-defined code (audited), not a built-in; deletes an unused one, whose number is not given again', async () => {
    expect((await t.http().patch('/api/status-codes/OTL').set(AUTH).send({ label: 'outside the time limit' }).expect(200)).body).toMatchObject({ code: 'OTL', number: 32, label: 'outside the time limit' });
    await t.http().patch('/api/status-codes/DNF').set(AUTH).send({ label: 'gone' }).expect(409);
    await t.http().delete('/api/status-codes/DNF').set(AUTH).expect(409);
    await t.http().delete('/api/status-codes/ABD').set(AUTH).expect(404);
    const abd = (await register('ABD').expect(201)).body.number;
    await t.http().delete('/api/status-codes/ABD').set(AUTH).expect(204);
    await t.http().get('/api/status-codes/ABD').expect(404);
    expect((await register('ABD').expect(201)).body.number).toBeGreaterThan(abd);
    const audit = await t.http().get('/api/audit?entity=status_code&entityId=ABD').set(AUTH).expect(200);
    expect(audit.body.items.map((a: { action: string }) => a.action).sort()).toEqual(['status_code.create', 'status_code.create', 'status_code.delete']);
    const relabel = await t.http().get('/api/audit?entity=status_code&entityId=OTL').set(AUTH).expect(200);
    expect(relabel.body.items.map((a: { action: string }) => a.action)).toContain('status_code.update');
  });

  it('the OpenAPI document describes the registry with examples', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/status-codes', '/api/status-codes/{code}']));
    expect(doc.components.schemas.StatusCodeView.properties.label).toMatchObject({ example: 'over the time limit', description: expect.any(String) });
    expect(doc.components.schemas.CreateStatusCodeDto.properties.code).toMatchObject({ example: 'OTL', description: expect.stringMatching(/not a built-in/) });
    const examples = doc.paths['/api/points-scales'].post.requestBody.content['application/json'].examples;
    expect(examples['MTB with OTL'].value.codes).toEqual({ OTL: { points: 5, discardable: false } });
  });
});
