import { Fixtures, rider } from '../support/fixtures';
import { settled, standingsState } from '../support/sync';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

/** The public pages over HTTP: routes, escaping, caching validators, the publication rule, revisionPending. */
describe('public pages (HTTP)', () => {
  let t: TestApp;
  let fx: Fixtures;
  let scaleId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '200', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '250' });
    fx = new Fixtures(t);
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
  });
  afterAll(() => t?.close());

  async function board(name: string, rows: object[], series: object = { name: `${name} Cup`, season: '2026' }): Promise<{ seriesId: number; id: number; setId: number }> {
    const seriesId = await fx.series(series);
    const id = await fx.leaderboard({ seriesId, name, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [name] });
    const setId = await fx.resultSet(await fx.event(seriesId, { name: `${name} R1`, date: '2026-03-14' }), name);
    await fx.replaceRows(setId, rows);
    await settled(t, id);
    return { seriesId, id, setId };
  }

  it('serves the pages outside /api as HTML, and leaves the API routes of the same shape under /api', async () => {
    const { seriesId, id } = await board('Routes', [rider('Ann', 'Lee', { position: 1 })]);
    for (const path of ['/', `/series/${seriesId}`, `/leaderboards/${id}`]) {
      const res = await t.http().get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/^<!doctype html>\s*<html lang="en">/);
    }
    await t.http().get(`/api/leaderboards/${id}`).expect(200).expect('Content-Type', /json/);
    await t.http().get(`/api/series/${seriesId}`).expect(200).expect('Content-Type', /json/);
    await t.http().get('/health').expect(200);
    const css = (await t.http().get('/').expect(200)).text.match(/href="(\/assets\/podium\.[0-9a-f]+\.css)"/)![1];
    const asset = await t.http().get(css).expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/^text\/css/);
    await t.http().get('/assets/nothing.css').expect(404);
    // The icon every page links, so browsers do not ask for a /favicon.ico that is not there.
    expect((await t.http().get('/').expect(200)).text).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
    const icon = await t.http().get('/favicon.svg').buffer(true).expect(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('public, max-age=86400');
    expect(Buffer.from(icon.body).toString()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    // A browser gets errors of the pages as HTML; the API stays JSON whatever it asks.
    const missing = await t.http().get('/leaderboards/999999').set('Accept', 'text/html').expect(404).expect('Content-Type', /^text\/html/);
    expect(missing.text).toContain('<title>404 Not Found · Podium</title>');
    await t.http().get('/api/leaderboards/999999').set('Accept', 'text/html').expect(404).expect('Content-Type', /json/);
    await t.http().get('/leaderboards/abc').expect(400);
    await t.http().get(`/leaderboards/${id}?page=0`).expect(400);
    await t.http().get(`/leaderboards/${id}?q=${'x'.repeat(101)}`).expect(400);
  });

  it('shows user-supplied text as text: a rider named <script> is escaped everywhere', async () => {
    const evil = '<script>alert(1)</script>';
    const { seriesId, id } = await board('Escapes', [rider(evil, '"><img src=x onerror=alert(2)>', { position: 1, custom1: '<b>School</b>' })],
      { name: '<i>Cup</i>', season: '<2026>', customLabels: { custom1: '<u>School</u>' } });
    const [participant] = await t.db.query('SELECT id FROM participant WHERE first_name = $1', [evil]);
    const withRider = [`/leaderboards/${id}`, `/riders/${participant.id}`, `/leaderboards/${id}/entries/p:${participant.id}`];
    for (const path of ['/', `/series/${seriesId}`, ...withRider]) {
      const { text } = await t.http().get(path).expect(200);
      expect(text).not.toContain('<script>alert');
      expect(text).not.toContain('<img src=x');
      expect(text).not.toContain('<i>Cup');
      expect(text).not.toContain('<u>School');
      expect(text).toContain(withRider.includes(path) ? '&lt;script&gt;alert(1)&lt;/script&gt;' : '&lt;i&gt;Cup&lt;/i&gt;');
    }
  });

  it('standings page: strong ETag from the standings version, public must-revalidate, 304 on If-None-Match; a change makes a new ETag', async () => {
    const { id, setId } = await board('Etags', [rider('Ann', 'Lee', { position: 1 })]);
    const first = await t.http().get(`/leaderboards/${id}`).expect(200);
    expect(first.headers.etag).toMatch(/^"[^"]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    await t.http().get(`/leaderboards/${id}`).set('If-None-Match', first.headers.etag).expect(304);
    const json = await t.http().get(`/api/leaderboards/${id}/standings`).expect(200);
    expect(json.headers.etag).toMatch(/^"[^"]+"$/);
    expect(json.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    await t.http().get(`/api/leaderboards/${id}/standings`).set('If-None-Match', json.headers.etag).expect(304);
    const admin = await t.http().get(`/api/leaderboards/${id}/standings`).set(AUTH).expect(200);
    expect(admin.headers['cache-control']).toBe('private, max-age=0, must-revalidate');

    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    await settled(t, id);
    const second = await t.http().get(`/leaderboards/${id}`).set('If-None-Match', first.headers.etag).expect(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(second.text).toContain('Bo Chen');
    const json2 = await t.http().get(`/api/leaderboards/${id}/standings`).set('If-None-Match', json.headers.etag).expect(200);
    expect(json2.body.entries.map((e: { name: string }) => e.name)).toEqual(['Ann Lee', 'Bo Chen']);
  });

  it('a late fix to approved standings: the public page and JSON keep the approved rows; admins see the revision, flagged revisionPending', async () => {
    const { id, setId } = await board('Late fix', [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    const approvedId = (await standingsState(t, id))!.id;
    await fx.transition(approvedId, 'APPROVED');
    await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
    await settled(t, id);

    const publicPage = (await t.http().get(`/leaderboards/${id}`).expect(200)).text;
    expect(publicPage.indexOf('Ann Lee')).toBeLessThan(publicPage.indexOf('Bo Chen'));
    expect(publicPage).not.toContain('revision of these standings');
    const adminPage = (await t.http().get(`/leaderboards/${id}`).set(AUTH).expect(200)).text;
    expect(adminPage.indexOf('Bo Chen')).toBeLessThan(adminPage.indexOf('Ann Lee'));
    expect(adminPage).toContain('revision of these standings');

    const anon = await t.http().get(`/api/leaderboards/${id}/standings`).expect(200);
    expect(anon.body).toMatchObject({ resultSetId: approvedId, state: 'APPROVED' });
    expect(anon.body).not.toHaveProperty('revisionPending');
    const admin = await t.http().get(`/api/leaderboards/${id}/standings`).set(AUTH).expect(200);
    expect(admin.body).toMatchObject({ state: 'DRAFT', revisionPending: true });
    const adminBoard = await t.http().get(`/api/leaderboards/${id}`).set(AUTH).expect(200);
    expect(adminBoard.body.standings).toMatchObject({ state: 'DRAFT', revisionPending: true });
    const anonBoard = await t.http().get(`/api/leaderboards/${id}`).expect(200);
    expect(anonBoard.body.standings).not.toHaveProperty('revisionPending');
    const docs = await t.http().get('/api/docs-json').expect(200);
    expect(docs.body.components.schemas.StandingsView.properties).toHaveProperty('revisionPending');
    expect(docs.body.components.schemas.StandingsSummaryView.properties).toHaveProperty('revisionPending');

    const revisionId = (await standingsState(t, id))!.id;
    await fx.transition(revisionId, 'APPROVED');
    const published = (await t.http().get(`/leaderboards/${id}`).expect(200)).text;
    expect(published.indexOf('Bo Chen')).toBeLessThan(published.indexOf('Ann Lee'));
  });

  it('name filter (?q=) on the server, and paging of big boards', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => rider(`Rider${String(i + 1).padStart(3, '0')}`, i % 50 === 0 ? 'Special' : 'Plain', { position: i + 1 }));
    const { id } = await board('Big', rows);
    const first = (await t.http().get(`/leaderboards/${id}`).expect(200)).text;
    expect(first.match(/<tr data-key=/g)).toHaveLength(100);
    expect(first).toContain('Page 1 of 2');
    const second = (await t.http().get(`/leaderboards/${id}?page=2`).expect(200)).text;
    expect(second.match(/<tr data-key=/g)).toHaveLength(50);
    expect(second).toContain('Rider150 Plain');
    const found = (await t.http().get(`/leaderboards/${id}?q=special`).expect(200)).text;
    expect(found.match(/<tr data-key=/g)).toHaveLength(3);
    const none = (await t.http().get(`/leaderboards/${id}?q=${encodeURIComponent('%_')}`).expect(200)).text;
    expect(none).toContain('No entries match');
  });

  it('marks a place "=" when entries share it in their category, not when two categories each have it', async () => {
    const positions = (page: string) => [...page.matchAll(/<td class="pos num">([^<]*)<\/td>/g)].map((m) => m[1]);
    // A dead heat: both place 1 in the only race, so they share the board's first place.
    const heat = await board('Dead heat', [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 1 }), rider('Cy', 'Dee', { position: 3 })]);
    expect(positions((await t.http().get(`/leaderboards/${heat.id}`).expect(200)).text)).toEqual(['=1', '=1', '3']);

    // A SCHOOL board ranks each category on its own: each category's leader is "1", alone.
    const seriesId = await fx.series({ name: 'Years Cup', customLabels: { custom1: 'School' } });
    const id = await fx.leaderboard({ seriesId, name: 'Years', type: 'SCHOOL', pointsScaleId: scaleId, categories: ['Y7', 'Y8'], countingRiders: 1, minRiders: 1 });
    const eventId = await fx.event(seriesId);
    for (const category of ['Y7', 'Y8']) {
      await fx.replaceRows(await fx.resultSet(eventId, category), [
        rider(`North${category}`, 'Rider', { position: 1, custom1: 'North' }),
        rider(`South${category}`, 'Rider', { position: 2, custom1: 'South' }),
      ]);
    }
    await settled(t, id);
    expect(positions((await t.http().get(`/leaderboards/${id}`).expect(200)).text)).toEqual(['1', '2', '1', '2']);
  });

  it('series get a time zone: DEFAULT_TIME_ZONE unless given, validated with Intl', async () => {
    const created = await t.http().post('/api/series').set(AUTH).send({ name: 'Zoned', timeZone: 'America/New_York' }).expect(201);
    expect(created.body.timeZone).toBe('America/New_York');
    const plain = await t.http().post('/api/series').set(AUTH).send({ name: 'Plain' }).expect(201);
    expect(plain.body.timeZone).toBe('Europe/London');
    const bad = await t.http().post('/api/series').set(AUTH).send({ name: 'Bad', timeZone: 'Mars/Olympus' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('timeZone must be an IANA time zone');
  });
});
