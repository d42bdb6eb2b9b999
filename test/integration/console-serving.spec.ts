import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_DIR } from '../../src/admin-console/admin-console.module';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

/** The console's static files at /admin, beside the routes that must not change (the console is built by the global setup). */
describe('the organiser console is served at /admin', () => {
  let t: TestApp;
  const index = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  const script = /<script[^>]*\bsrc="([^"]+)"/.exec(index)![1];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('answers /admin/ with the app shell: a module script file, no inline script, under the CSP', async () => {
    const res = await t.http().get('/admin/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('redirects /admin to /admin/', async () => {
    const res = await t.http().get('/admin');
    expect([301, 302, 308]).toContain(res.status);
    expect(res.headers.location).toBe('/admin/');
  });

  it.each(['/admin/series/3', '/admin/boards/12/edit', '/admin/failures'])('falls back to the shell for the console route %s', async (path) => {
    const res = await t.http().get(path).expect(200);
    expect(res.text).toBe(index);
  });

  it('serves the hashed script with a long cache life, and a missing asset is a 404, not the shell', async () => {
    expect(script).toMatch(/^\/admin\/assets\/index-[\w-]+\.js$/);
    const js = await t.http().get(script).expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    const missing = await t.http().get('/admin/assets/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<div id="root">');
  });

  it('leaves Bull Board, the retry page, the API, the public pages and /metrics as they were', async () => {
    expect((await t.http().get('/admin/queues')).status).toBe(401);
    const queues = await t.http().get('/admin/queues').set(AUTH).expect(200);
    expect(queues.text).not.toContain('<div id="root"></div>');
    const queueApi = await t.http().get('/admin/queues/api/queues').set(AUTH).expect(200);
    expect(queueApi.headers['content-type']).toMatch(/json/);
    // Errors on the paths beside the console keep their status (serve-static would make them 404s).
    const tooBig = await t.http().post('/admin/retry').type('form').send(`token=${'x'.repeat(200_000)}`);
    expect(tooBig.status).toBe(413);
    const retry = await t.http().get('/admin/retry');
    expect(retry.text).not.toBe(index);
    const api = await t.http().get('/api/series/999999').expect(404);
    expect(api.body.message).toBeDefined();
    await t.http().get('/api/admin').expect(404);
    const metrics = await t.http().get('/metrics').set(AUTH).expect(200);
    expect(metrics.text).toContain('# HELP');
    const home = await t.http().get('/').expect(200);
    expect(home.text).not.toBe(index);
    expect((await t.http().get('/administrator')).text).not.toBe(index);
  });
});
