import request from 'supertest';
import { WorkerMetricsServer } from '../../src/metrics/worker-metrics-server';
import { Fixtures, rider } from '../support/fixtures';
import { startSmtp, TestSmtp } from '../support/smtp';
import { FAST_WORKER_TIMING, settled, standingsState } from '../support/sync';
import { ADMIN_KEY, AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('metrics and the queue dashboard', () => {
  let t: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '60000', RECALC_MAX_WAIT_MS: '60000' });
    fx = new Fixtures(t);
  });
  afterAll(() => t?.close());

  const scrape = async () => (await t.http().get('/metrics').set(AUTH).expect(200)).text;

  it('GET /metrics needs the admin key and answers in the Prometheus text format', async () => {
    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set({ Authorization: 'Bearer wrong-key-0123456789' }).expect(401);
    const res = await t.http().get('/metrics').set(AUTH).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(res.text).toContain('# TYPE podium_recalc_runs_total counter');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('counts runs by trigger and outcome, times their phases, and shows the backlog and queue', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale();
    const boardId = await fx.leaderboard({ seriesId, name: 'Metrics board', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['M'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'M');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);

    // The change waits out a 60 s debounce: one board pending, one delayed job.
    let text = await scrape();
    expect(sample(text, 'podium_boards_pending')).toBe(1);
    expect(sample(text, 'podium_oldest_pending_change_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'podium_queue_jobs{state="delayed"}')).toBe(1);
    expect(sample(text, 'podium_failure_episodes_open')).toBe(0);

    await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
    await settled(t, boardId);
    text = await scrape();
    expect(sample(text, 'podium_recalc_runs_total{trigger="MANUAL",outcome="completed"}')).toBe(1);
    expect(sample(text, 'podium_recalc_runs_total{trigger="AUTO",outcome="failed"}')).toBe(0);
    for (const phase of ['load', 'compute', 'write']) {
      expect(sample(text, `podium_recalc_phase_duration_seconds_count{phase="${phase}"}`)).toBe(1);
    }
    expect(sample(text, 'podium_boards_pending')).toBe(0);
    expect(sample(text, 'podium_oldest_pending_change_age_seconds')).toBe(0);
    expect(sample(text, 'podium_queue_jobs{state="delayed"}')).toBe(0);
  });

  it('labels HTTP timings with the route pattern and status, never the raw URL', async () => {
    await t.http().get('/api/leaderboards/424242').expect(404);
    await t.http().get('/api/leaderboards/434343').expect(404);
    await t.http().get('/no/such/path/5151').expect(404);
    const text = await scrape();
    expect(sample(text, 'podium_http_request_duration_seconds_count{method="GET",route="/api/leaderboards/:id",status="404"}')).toBe(2);
    expect(sample(text, 'podium_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
    // In no label: the values (a duration's sum, say 0.003551513) may hold any digits.
    const labels = text.split('\n').filter((line) => !line.startsWith('#')).map((line) => line.slice(0, line.lastIndexOf(' ')));
    expect(labels.filter((l) => /424242|434343|5151|no\/such/.test(l))).toEqual([]);
  });

  it('the queue dashboard takes the key as a bearer or as the Basic password, and lists the queue', async () => {
    await t.http().get('/admin/queues').expect(401).expect('www-authenticate', /^Basic/);
    await t.http().get('/admin/queues/api/queues').expect(401);
    await t.http().get('/admin/queues').auth('admin', 'not-the-key').expect(401);
    const page = await t.http().get('/admin/queues').auth('anyone', ADMIN_KEY).expect(200);
    expect(page.text).toContain('<html');
    // Its scripts load from under the same path, with the same credentials.
    const script = /<script defer src="([^"]+)"/.exec(page.text)![1];
    await t.http().get(`/admin/queues/${script}`).auth('anyone', ADMIN_KEY).expect(200).expect('content-type', /javascript/);
    await t.http().get(`/admin/queues/${script}`).expect(401);
    const api = await t.http().get('/admin/queues/api/queues').set(AUTH).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name)).toContain('recalculation');
  });

  it('a worker-only process serves its metrics on METRICS_PORT, behind the admin key', async () => {
    const worker = await startTestApp({ ...FAST_WORKER_TIMING, APP_ROLE: 'worker', METRICS_PORT: '0' }, { ...t.sandbox, env: { ...t.sandbox.env, ...FAST_WORKER_TIMING, APP_ROLE: 'worker', METRICS_PORT: '0' } });
    try {
      const port = worker.app.get(WorkerMetricsServer).port;
      expect(port).toBeGreaterThan(0);
      const server = request(`http://127.0.0.1:${port}`);
      await server.get('/metrics').expect(401);
      await server.get('/other').set(AUTH).expect(404);
      const text = (await server.get('/metrics').set(AUTH).expect(200)).text;
      expect(text).toContain('# TYPE podium_recalc_runs_total counter');
      expect(text).toContain('podium_queue_jobs');
    } finally {
      await worker.app.close();
    }
  });
});

describe('metrics of failures', () => {
  let smtp: TestSmtp;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ ...FAST_WORKER_TIMING, SMTP_URL: smtp.url, ADMIN_EMAILS: 'ops@club.example', MAIL_INTERVAL_MS: '200' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('a failed run is counted, its episode is open, and its e-mail is counted as sent', async () => {
    const fx = new Fixtures(t);
    const seriesId = await fx.series();
    const scaleId = await fx.scale();
    const boardId = await fx.leaderboard({ seriesId, name: 'Failing metrics', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['F'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'F');
    // The run's write fails for real, in the database (as in notifications.spec.ts).
    await t.db.query(`CREATE OR REPLACE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'forced failure for metrics'; END $$`);
    await t.db.query(`CREATE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
      FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
    await eventually(async () => (await standingsState(t, boardId))?.state === 'F');
    // The counter moves once the send's transaction commits, just after the SMTP server has the message.
    const text = await eventually(async () => {
      const scraped = (await t.http().get('/metrics').set(AUTH).expect(200)).text;
      return sample(scraped, 'podium_failure_emails_total{outcome="sent"}') === 1 && scraped;
    });
    expect(smtp.messages).toHaveLength(1);
    expect(sample(text, 'podium_recalc_runs_total{trigger="AUTO",outcome="failed"}')).toBe(1);
    expect(sample(text, 'podium_failure_episodes_open')).toBe(1);
    expect(sample(text, 'podium_failure_emails_total{outcome="sent"}')).toBe(1);
    expect(sample(text, 'podium_failure_emails_total{outcome="failed"}')).toBe(0);
  });
});

