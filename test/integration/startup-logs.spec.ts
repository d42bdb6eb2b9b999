import { Fixtures, rider } from '../support/fixtures';
import { freePort, OutputLine, PodiumProcess } from '../support/podium-process';
import { FAST_WORKER_TIMING, settled, standingsState } from '../support/sync';
import { AUTH, destroySandbox, eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

/** Podium started as in production (src/main.ts in its own process), its log read from stdout. */
describe('start-up and run logs of the real entry point', () => {
  const sandbox = newSandbox({ ...FAST_WORKER_TIMING, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
  let api: TestApp;
  let fx: Fixtures;
  const processes: PodiumProcess[] = [];

  const start = (env: Record<string, string>) => {
    const child = new PodiumProcess({ ...sandbox.env, ...env });
    processes.push(child);
    return child;
  };
  const msg = (line: OutputLine) => String(line.json?.msg ?? '');

  beforeAll(async () => {
    // The sandbox's database and queue, with an in-test API to make the data; it enqueues and never runs jobs.
    api = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'api', LOG_LEVEL: 'silent' } });
    fx = new Fixtures(api);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await api?.app.close();
    await destroySandbox(sandbox);
  });

  it('a worker logs that it is ready, every failed and retried run with its board, and its shutdown; SIGTERM exits 0', async () => {
    const worker = start({ APP_ROLE: 'worker', WORKER_CONCURRENCY: '3' });
    const ready = await worker.line((l) => /ready/i.test(msg(l)));
    expect(msg(ready)).toMatch(/role worker/);
    expect(msg(ready)).toContain(`"${sandbox.redisPrefix}:recalculation"`);
    expect(msg(ready)).toMatch(/worker concurrency 3/);
    expect(msg(worker.lines[0])).toMatch(/starting.*role worker/i);

    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const boardId = await fx.leaderboard({ seriesId, name: 'Logged', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['L'] });
    const setId = await fx.resultSet(await fx.event(seriesId), 'L');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    await settled(api, boardId);

    // The next standings write fails: first with a transient error (retried), then for good.
    await api.db.query('CREATE SEQUENCE podium_test_fail_seq');
    await api.db.query(`CREATE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('podium_test_fail_seq') = 1 THEN RAISE EXCEPTION 'forced transient failure' USING ERRCODE = '40001'; END IF;
        RAISE EXCEPTION 'forced permanent failure';
      END $$`);
    await api.db.query(`CREATE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
      FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
    try {
      // A real change: the run has standings to write, and the trigger refuses them.
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await eventually(async () => (await standingsState(api, boardId))?.state === 'F', 30_000);
    } finally {
      await api.db.query('DROP TRIGGER IF EXISTS podium_test_fail ON race_result');
    }

    const retried = await worker.line((l) => l.json?.leaderboardId === boardId && l.json.level === 40);
    expect(msg(retried)).toMatch(/retry/i);
    expect(JSON.stringify(retried.json!.err)).toContain('forced transient failure');
    const failed = await worker.line((l) => l.json?.leaderboardId === boardId && l.json.level === 50);
    expect(msg(failed)).toMatch(/failed/i);
    expect(JSON.stringify(failed.json!.err)).toContain('forced permanent failure');

    // A failure before the run is even recorded (its run record cannot be written) is logged too.
    await api.db.query(`CREATE TRIGGER podium_test_fail_run BEFORE INSERT OR UPDATE ON recalc_run
      FOR EACH ROW WHEN (NEW.status = 'running' AND NEW.leaderboard_id = ${boardId}) EXECUTE FUNCTION podium_test_fail()`);
    try {
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      const unrecorded = await worker.line((l) => l.json?.leaderboardId === boardId && /before it could be recorded/.test(msg(l)));
      expect(JSON.stringify(unrecorded.json!.err)).toContain('forced permanent failure');
    } finally {
      await api.db.query('DROP TRIGGER IF EXISTS podium_test_fail_run ON recalc_run');
    }

    const exit = worker.stop('SIGTERM');
    await worker.line((l) => /SIGTERM/.test(msg(l)) && /shutting down/i.test(msg(l)));
    await worker.line((l) => /shut down cleanly/i.test(msg(l)));
    expect(await exit).toEqual({ code: 0, signal: null });
  });

  describe('an API process (APP_ROLE=all)', () => {
    let port: number;
    let all: PodiumProcess;

    beforeAll(async () => {
      port = await freePort();
      all = start({ APP_ROLE: 'all', PORT: String(port) });
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, 30_000);
    });

    it('logs from its first line: where the console, API and docs are, the address it listens on, then ready', async () => {
      const first = msg(all.lines[0]);
      expect(first).toContain(`http://localhost:${port}/admin`);
      expect(first).toContain(`http://localhost:${port}/api`);
      expect(first).toContain(`http://localhost:${port}/api/docs`);
      const listening = await all.line((l) => /^Listening on http:\/\//.test(msg(l)));
      expect(msg(listening)).toContain(`:${port}`);
      expect(msg(await all.line((l) => /ready/i.test(msg(l))))).toMatch(/role all, queue ".+:recalculation", worker concurrency \d+/);
      // Every line is JSON (stdout is a pipe): nothing printed around the logger.
      expect(all.lines.filter((l) => l.json === null)).toEqual([]);
    });

    it('starts without the LegacyRouteConverter warning (Express 5 path syntax everywhere)', () => {
      expect(all.stdout).toContain('Nest application successfully started');
      expect(all.stdout).not.toMatch(/LegacyRouteConverter|Unsupported route path/);
    });

    it('keeps a retry token out of the request log, in the query and in the logged URL', async () => {
      const secret = 'SeCrEt-retry-token.value_123';
      await fetch(`http://127.0.0.1:${port}/admin/retry?token=${secret}&x=1`);
      const logged = await all.line((l) => String((l.json?.req as { url?: string } | undefined)?.url ?? '').startsWith('/admin/retry'));
      expect((logged.json!.req as { url: string }).url).toBe('/admin/retry?token=[redacted]&x=1');
      expect(all.stdout).not.toContain(secret);
      // The request logger still covers the API under its prefix (its routes moved to Express 5 syntax).
      await fetch(`http://127.0.0.1:${port}/api/series/424242`);
      await all.line((l) => (l.json?.req as { url?: string } | undefined)?.url === '/api/series/424242');
    });

    it('logs SIGTERM and a clean shutdown, and exits 0', async () => {
      const exit = all.stop('SIGTERM');
      await all.line((l) => /SIGTERM/.test(msg(l)) && /shutting down/i.test(msg(l)), 10_000);
      await all.line((l) => /shut down cleanly/i.test(msg(l)), 10_000);
      expect(await exit).toEqual({ code: 0, signal: null });
    });
  });

  it('LOG_FORMAT=pretty prints human-readable lines instead of JSON', async () => {
    const worker = start({ APP_ROLE: 'worker', LOG_FORMAT: 'pretty' });
    const ready = await worker.line((l) => /Podium ready/.test(l.text));
    expect(ready.json).toBeNull();
    expect(ready.text).toMatch(/INFO/);
    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
