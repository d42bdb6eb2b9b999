import { AUTH, startTestApp, TestApp } from '../support/test-app';
import { countRows, Fixtures } from '../support/fixtures';

describe('foundation API over HTTP', () => {
  let t: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    t = await startTestApp();
    fx = new Fixtures(t);
  });
  afterAll(() => t?.close());

  describe('operations', () => {
    it('reports database and Redis up on /health', async () => {
      const res = await t.http().get('/health').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
    });

    it('serves the OpenAPI document with every route of the contract', async () => {
      const res = await t.http().get('/api/docs-json').expect(200);
      const paths = Object.keys(res.body.paths);
      for (const path of [
        '/api/series', '/api/series/{id}', '/api/series/{id}/events', '/api/points-scales', '/api/points-scales/{id}',
        '/api/leaderboards', '/api/leaderboards/{id}', '/api/events/{id}/result-sets', '/api/result-sets/{id}',
        '/api/result-sets/{id}/results', '/api/results/{id}', '/api/result-sets/{id}/transitions', '/api/result-sets/{id}/revisions',
      ]) {
        expect(paths).toContain(path);
      }
    });
  });

  describe('auth', () => {
    it('answers 401 to a write without a key or with a wrong one, and writes nothing', async () => {
      await t.http().post('/api/series').send({ name: 'X' }).expect(401);
      await t.http().post('/api/series').set({ Authorization: 'Bearer wrong-key-0123456789' }).send({ name: 'X' }).expect(401);
      await t.http().post('/api/series').set({ Authorization: 'Basic abc' }).send({ name: 'X' }).expect(401);
      expect(await countRows(t, 'series')).toBe(0);
    });

    it('lets anyone read public resources', async () => {
      const id = await fx.series();
      await t.http().get(`/api/series/${id}`).expect(200);
      await t.http().get(`/api/series/${id}/events`).expect(200);
    });
  });

  describe('series and events', () => {
    it('creates and reads a series with its slot labels', async () => {
      const res = await t.http().post('/api/series').set(AUTH)
        .send({ name: 'Club Series', season: '2026', customLabels: { custom1: 'School', custom3: 'Team' } }).expect(201);
      expect(res.body).toEqual({ id: expect.any(Number), name: 'Club Series', season: '2026', customLabels: { custom1: 'School', custom3: 'Team' }, timeZone: 'Europe/London' });
      const read = await t.http().get(`/api/series/${res.body.id}`).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it('creates events and lists them by date', async () => {
      const seriesId = await fx.series();
      await fx.event(seriesId, { name: 'Final', date: '2026-06-01', starred: true, pointsMultiplier: 2 });
      await fx.event(seriesId, { name: 'Opener', date: '2026-03-01' });
      const res = await t.http().get(`/api/series/${seriesId}/events`).expect(200);
      expect(res.body.map((e: { name: string }) => e.name)).toEqual(['Opener', 'Final']);
      expect(res.body[1]).toMatchObject({ date: '2026-06-01', starred: true, pointsMultiplier: 2, seriesId });
    });

    it.each([
      ['a missing name', {}, 'name'],
      ['an unknown field', { name: 'X', colour: 'red' }, 'colour'],
      ['a too-long name', { name: 'x'.repeat(201) }, 'name'],
      ['a bad label', { name: 'X', customLabels: { custom1: '' } }, 'customLabels.custom1'],
    ])('rejects a series with %s: 400 naming the field, nothing written', async (_, body, field) => {
      const before = await countRows(t, 'series');
      const res = await t.http().post('/api/series').set(AUTH).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countRows(t, 'series')).toBe(before);
    });

    it.each([
      ['an impossible date', { name: 'R', date: '2026-02-30' }, 'date'],
      ['a date in another format', { name: 'R', date: '14/03/2026' }, 'date'],
      ['a zero multiplier', { name: 'R', date: '2026-03-14', pointsMultiplier: 0 }, 'pointsMultiplier'],
      ['a string for starred', { name: 'R', date: '2026-03-14', starred: 'yes' }, 'starred'],
    ])('rejects an event with %s', async (_, body, field) => {
      const seriesId = await fx.series();
      const res = await t.http().post(`/api/series/${seriesId}/events`).set(AUTH).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 404 for unknown ids and 400 for malformed ones', async () => {
      const res = await t.http().get('/api/series/999999').expect(404);
      expect(res.body.message).toBe('Series 999999 not found');
      await t.http().post('/api/series/999999/events').set(AUTH).send({ name: 'R', date: '2026-03-14' }).expect(404);
      await t.http().get('/api/series/abc').expect(400);
      await t.http().get('/api/series/99999999999').expect(400);
    });

    it('answers 400 to malformed JSON', async () => {
      await t.http().post('/api/series').set(AUTH).set('Content-Type', 'application/json').send('{"name": ').expect(400);
    });
  });

  describe('points scales', () => {
    it('creates and reads a table scale', async () => {
      const id = await fx.scale({ name: 'F1', kind: 'TABLE', table: [25, 18, 15], statusPoints: { DNF: 1 }, ties: 'SAME' });
      const res = await t.http().get(`/api/points-scales/${id}`).expect(200);
      expect(res.body).toEqual({ id, name: 'F1', kind: 'TABLE', table: [25, 18, 15], statusPoints: { DNF: 1 }, ties: 'SAME' });
    });

    it.each([
      ['an unknown kind', { name: 'S', kind: 'FIBONACCI' }, 'kind'],
      ['a non-numeric table', { name: 'S', kind: 'TABLE', table: ['a'] }, 'table'],
      ['a TABLE without a table', { name: 'S', kind: 'TABLE' }, 'table'],
    ])('rejects %s with 400', async (_, body, field) => {
      const before = await countRows(t, 'points_scale');
      const res = await t.http().post('/api/points-scales').set(AUTH).send(body).expect(400);
      expect(JSON.stringify(res.body.errors)).toContain(field);
      expect(await countRows(t, 'points_scale')).toBe(before);
    });
  });

  describe('leaderboards', () => {
    let seriesId: number;
    let scaleId: number;
    let eventId: number;

    beforeAll(async () => {
      seriesId = await fx.series();
      scaleId = await fx.scale();
      eventId = await fx.event(seriesId);
    });

    it('creates a board with defaults, reads it and lists it by series', async () => {
      const res = await t.http().post('/api/leaderboards').set(AUTH).send({
        seriesId, name: 'All Stars', type: 'INDIVIDUAL', pointsScaleId: scaleId,
        categories: ['U14 Boys', { code: 'U16 Boys', multiplier: 1.5 }],
      }).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(Number), seriesId, name: 'All Stars', type: 'INDIVIDUAL', pointsScaleId: scaleId,
        categories: [{ code: 'U14 Boys', multiplier: 1 }, { code: 'U16 Boys', multiplier: 1.5 }],
        eventScope: 'ALL', tieBreaks: ['COUNTBACK', 'MOST_RECENT'], ranking: 'STANDARD', initialState: 'PROVISIONAL',
        active: true, standings: null, lastRun: null,
      });
      // A new board is pending: its first standings must be computed.
      expect(res.body.pending).toMatchObject({ since: expect.any(String), dueAt: expect.any(String) });
      await t.http().get(`/api/leaderboards/${res.body.id}`).expect(200);
      const list = await t.http().get(`/api/leaderboards?seriesId=${seriesId}`).set(AUTH).expect(200);
      expect(list.body.map((b: { id: number }) => b.id)).toContain(res.body.id);
      // Not computed yet: nothing published, so not in the public list.
      const publicList = await t.http().get(`/api/leaderboards?seriesId=${seriesId}`).expect(200);
      expect(publicList.body.map((b: { id: number }) => b.id)).not.toContain(res.body.id);
    });

    it('patches a board and keeps what the patch does not mention', async () => {
      const id = await fx.leaderboard({ seriesId, name: 'Schools', type: 'SCHOOL', pointsScaleId: scaleId, categories: ['U14 Boys'], countingRiders: 3 });
      const res = await t.http().patch(`/api/leaderboards/${id}`).set(AUTH).send({ bestOf: 5, eventScope: 'LISTED', eventIds: [eventId] }).expect(200);
      expect(res.body).toMatchObject({ name: 'Schools', countingRiders: 3, bestOf: 5, eventScope: 'LISTED', eventIds: [eventId], categories: [{ code: 'U14 Boys', multiplier: 1 }] });
    });

    it.each([
      ['no categories', { categories: [] }, 'categories'],
      ['a category with a bad multiplier', { categories: [{ code: 'A', multiplier: -1 }] }, 'categories'],
      ['an unknown type', { type: 'RELAY' }, 'type'],
      ['an unknown points scale', { pointsScaleId: 999999 }, 'pointsScaleId'],
      ['LISTED without events', { eventScope: 'LISTED' }, 'eventIds'],
      ['GROUP without groupBy', { type: 'GROUP' }, 'groupBy'],
      ['bestOf 0', { bestOf: 0 }, 'bestOf'],
      ['a bad tie-break', { tieBreaks: ['COIN_TOSS'] }, 'tieBreaks'],
      ['a bad groupBy slot', { type: 'GROUP', groupBy: ['custom9'] }, 'groupBy'],
    ])('rejects a board with %s: 400, nothing written', async (_, patch, field) => {
      const before = await countRows(t, 'leaderboard');
      const body = { seriesId, name: 'B', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'], ...patch };
      const res = await t.http().post('/api/leaderboards').set(AUTH).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countRows(t, 'leaderboard')).toBe(before);
    });

    it('rejects events of another series', async () => {
      const otherSeries = await fx.series();
      const foreignEvent = await fx.event(otherSeries);
      const res = await t.http().post('/api/leaderboards').set(AUTH).send({
        seriesId, name: 'B', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'], eventScope: 'LISTED', eventIds: [foreignEvent],
      }).expect(400);
      expect(res.body.errors[0]).toEqual({ field: 'eventIds', message: `not events of series ${seriesId}: ${foreignEvent}` });
    });

    it('answers 400 to a list without seriesId and 404 for an unknown series', async () => {
      await t.http().get('/api/leaderboards').expect(400);
      await t.http().get('/api/leaderboards?seriesId=999999').expect(404);
    });
  });
});
