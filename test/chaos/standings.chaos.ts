/**
 * The chaos checks Podium's standings once survived by hand, as a suite: workers SIGKILLed
 * mid-run, a Redis outage and a FLUSHALL, a PostgreSQL restart, two competing workers, a job
 * delivered twice and a worker stopped with SIGTERM mid-run. Everything runs on private
 * servers and separate processes (see support/); after each scenario, once quiet, the
 * database is checked against a from-scratch recomputation (support/checks.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { RECALC_QUEUE } from '../../src/common/queue/queue-names';
import { RECALC_JOB, RecalcJobData } from '../../src/leaderboards/recalculation/recalc-job';
import { eventually } from '../support/test-app';
import { problemsOf, openDatabase, timeUntilCurrent } from './support/checks';
import { Api, buildSeason, EditLog, EditStream, percentile, prng, randomRows, Season, sentKey } from './support/edits';
import { PodiumProcess } from './support/podium';
import { PrivatePostgres, PrivateRedis, runCleanups } from './support/servers';

/** Targets the suite holds Podium to (issue 11). */
const TARGET = {
  writeP99DuringRedisOutageMs: 1_000,
  currentAfterRedisReturnsMs: 5_000,
};
const KILL_TRIALS = 10;
const REDIS_OUTAGE_MS = 20_000;
/** Each standings write sleeps this long once (a trigger, below), so runs last long enough to be caught mid-run. */
const SLOW_WRITE_S = 0.6;
const RIDERS = 40;
const PREFIX = 'podium-chaos';

interface ReportRow {
  scenario: string;
  trials: number | string;
  currentMs: number | null;
  p50?: number;
  p99?: number;
  max?: number;
  outcome: string;
}
const report: ReportRow[] = [];

describe('chaos: standings survive crashes and outages', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let api: PodiumProcess;
  let client: Api;
  let db: DataSource;
  /** BullMQ's view of the queue, for jobs added directly and for what a stuck run's job became. */
  let queue: Queue<RecalcJobData>;
  const workers: PodiumProcess[] = [];
  const random = prng(Number(process.env.CHAOS_SEED ?? 20261201));
  const suiteStarted = Date.now();

  const env = () => ({ databaseUrl: pg.url('podium_chaos'), redisUrl: redis.url, redisPrefix: PREFIX });
  async function startWorker(name: string): Promise<PodiumProcess> {
    const worker = await PodiumProcess.worker(env(), name);
    workers.push(worker);
    return worker;
  }

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    api = await PodiumProcess.api(env());
    client = new Api(api.baseUrl);
    db = await openDatabase(env().databaseUrl);
    await slowStandingsWrites(db);
    queue = new Queue<RecalcJobData>(RECALC_QUEUE, { connection: { url: redis.url }, prefix: PREFIX });
    // Connection errors while the suite has Redis down are the point, not news.
    queue.on('error', () => undefined);
    await startWorker('worker-1');
  }, 120_000);

  afterAll(async () => {
    printReport(Date.now() - suiteStarted);
    await db?.destroy().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    await Promise.all([...workers, api].filter(Boolean).map((p) => p.stop()));
    await redis?.stop();
    await pg?.stop();
    runCleanups();
  }, 60_000);

  /** Seeds every race of a season and waits for its first standings. */
  async function season(label: string): Promise<{ season: Season; log: EditLog }> {
    const s = await buildSeason(client, label, RIDERS);
    const log = new EditLog();
    for (const set of s.sets) {
      const rows = randomRows(set, RIDERS, random);
      const write = log.sent(set.id, sentKey(rows));
      const res = await client.send('PUT', `/api/result-sets/${set.id}/results`, rows);
      if (res.status !== 200) throw new Error(`seeding race set ${set.id} answered ${res.status}: ${JSON.stringify(res.body)}`);
      log.answered(write, true);
    }
    await timeUntilCurrent(db, s.boards, `${label}: first standings`, 30_000);
    return { season: s, log };
  }

  /** Manual recalculations during a scenario; their job ids must all end completed or failed, never queued forever. */
  async function manualRecalculation(s: Season, jobs: string[]): Promise<void> {
    const board = s.boards[Math.floor(random() * s.boards.length)];
    const res = await client.send('POST', `/api/leaderboards/${board}/recalculate`);
    if (res.status === 202) jobs.push(res.body.jobId);
  }

  async function quietProblems(s: Season, log: EditLog, manualJobs: string[]): Promise<string[]> {
    // Runs still finishing (a retaken job's follow-up) get a few seconds before they count as stuck.
    await eventually(async () => (await db.query(`SELECT 1 FROM recalc_run WHERE status IN ('queued', 'running') AND leaderboard_id = ANY($1)`, [s.boards])).length === 0, 10_000).catch(() => undefined);
    const problems = await problemsOf(db, s.boards, log, describeJob);
    for (const jobId of manualJobs) {
      const res = await client.send('GET', `/api/recalculations/${jobId}`);
      if (res.status !== 200 || !['completed', 'failed'].includes(res.body.status)) {
        problems.push(`manual recalculation job ${jobId}: GET /api/recalculations answered ${res.status} ${JSON.stringify(res.body?.status ?? res.body)} once quiet (expected completed)`);
      }
    }
    if (!api.alive) problems.push(`the api process exited (${api.exitStatus}):\n${api.tail()}`);
    return problems;
  }

  async function describeJob(jobId: string): Promise<string> {
    const job = await Job.fromId(queue, jobId);
    if (!job) return 'BullMQ has no such job';
    return `BullMQ job ${await job.getState()}${job.failedReason ? ` (${job.failedReason})` : ''}, ${job.attemptsMade} attempts`;
  }

  async function runningRunStartedAfter(since: Date, timeoutMs: number): Promise<{ job_id: string; leaderboard_id: number }> {
    return eventually(async () => {
      const [run] = await db.query(`SELECT job_id, leaderboard_id FROM recalc_run WHERE status = 'running' AND started_at >= $1 LIMIT 1`, [since]);
      return run;
    }, timeoutMs, 20);
  }

  it(`SIGKILL a worker mid-run ${KILL_TRIALS} times while edits flow`, async () => {
    const { season: s, log } = await season('kill');
    const manualJobs: string[] = [];
    const stream = new EditStream(client, s, log, random, 200);
    let worker = workers.find((w) => w.alive)!;
    let midRun = 0;
    try {
      for (let trial = 0; trial < KILL_TRIALS; trial++) {
        const readyAt = new Date(Date.now() - 50);
        if (trial % 3 === 0) await manualRecalculation(s, manualJobs);
        const run = await runningRunStartedAfter(readyAt, 30_000).catch(() => null);
        if (run) midRun++;
        worker.kill('SIGKILL');
        await worker.exited(5_000);
        worker = await startWorker(`worker-kill-${trial + 1}`);
      }
    } finally {
      await stream.stop();
    }
    const currentMs = await timeUntilCurrent(db, s.boards, 'after the last SIGKILL and the last edit', 60_000);
    const problems = await quietProblems(s, log, manualJobs);
    if (midRun < KILL_TRIALS) problems.push(`only ${midRun} of ${KILL_TRIALS} SIGKILLs came while a run was running (none started within 30 s)`);
    report.push({ scenario: 'SIGKILL worker mid-run', trials: `${KILL_TRIALS} (${midRun} mid-run)`, currentMs, outcome: outcome(problems) });
    expect(problems).toEqual([]);
  });

  it(`Redis stopped for ${REDIS_OUTAGE_MS / 1000} s while edits flow, then a FLUSHALL`, async () => {
    const { season: s, log } = await season('redis');
    const manualJobs: string[] = [];
    const failures: string[] = [];

    // The outage: writes keep coming through the API; each one's latency is measured.
    let stream = new EditStream(client, s, log, random, 150);
    await sleep(1_500);
    await redis.stopServer();
    const down = Date.now();
    await sleep(REDIS_OUTAGE_MS);
    const up = Date.now();
    stream.halt();
    await redis.startServer();
    const returned = Date.now();
    await stream.stop();
    const during = stream.samples.filter((w) => w.at >= down && w.at < up);
    const latencies = during.map((w) => w.ms);
    const [p50, p99, max] = [percentile(latencies, 50), percentile(latencies, 99), Math.max(...latencies)];
    const unanswered = during.filter((w) => w.status !== 200);
    if (during.length === 0) failures.push('no write was sent during the Redis outage');
    if (unanswered.length > 0) {
      failures.push(`${unanswered.length} of ${during.length} writes sent while Redis was down were not saved (answers: ${[...new Set(unanswered.map((w) => w.status))].join(', ')}; 0 = no answer in 60 s)`);
    }
    if (!(p99 < TARGET.writeP99DuringRedisOutageMs)) {
      failures.push(`p99 write latency while Redis was down was ${Math.round(p99)} ms over ${during.length} writes (p50 ${Math.round(p50)} ms, max ${Math.round(max)} ms); target < ${TARGET.writeP99DuringRedisOutageMs} ms`);
    }
    const currentMs = await timeUntilCurrent(db, s.boards, 'after Redis returned', 60_000, returned);
    if (currentMs >= TARGET.currentAfterRedisReturnsMs) {
      failures.push(`every board was current ${currentMs} ms after Redis returned (measured from its restart to results_version = standings_version on every board); target < ${TARGET.currentAfterRedisReturnsMs} ms`);
    }
    const outageProblems = [...failures, ...(await quietProblems(s, log, manualJobs))];
    report.push({ scenario: `Redis down ${REDIS_OUTAGE_MS / 1000} s`, trials: `1 (${during.length} writes)`, currentMs, p50, p99, max, outcome: outcome(outageProblems) });

    // FLUSHALL between two bursts of edits: the debounced jobs of the first are lost with it.
    stream = new EditStream(client, s, log, random, 150);
    await sleep(2_000);
    await manualRecalculation(s, manualJobs);
    await redis.flushAll();
    await sleep(2_000);
    await stream.stop();
    const flushCurrentMs = await timeUntilCurrent(db, s.boards, 'after FLUSHALL and the last edit', 60_000);
    const flushProblems = await quietProblems(s, log, manualJobs);
    report.push({ scenario: 'Redis FLUSHALL', trials: 1, currentMs: flushCurrentMs, outcome: outcome(flushProblems) });

    expect({ outage: outageProblems, flushAll: flushProblems }).toEqual({ outage: [], flushAll: [] });
  });

  it('PostgreSQL restarted mid-run while edits flow', async () => {
    const { season: s, log } = await season('pg');
    const manualJobs: string[] = [];
    const stream = new EditStream(client, s, log, random, 200);
    let midRun = 0;
    const trials = 3;
    try {
      for (let trial = 0; trial < trials; trial++) {
        const run = await runningRunStartedAfter(new Date(Date.now() - 50), 30_000).catch(() => null);
        if (run) midRun++;
        await pg.restart();
        await sleep(1_500);
      }
    } finally {
      await stream.stop();
    }
    const currentMs = await timeUntilCurrent(db, s.boards, 'after the last PostgreSQL restart and the last edit', 60_000);
    const problems = await quietProblems(s, log, manualJobs);
    const worker = workers.at(-1)!;
    if (!worker.alive) problems.push(`${worker.name} exited during the PostgreSQL restarts (${worker.exitStatus}):\n${worker.tail()}`);
    if (midRun < trials) problems.push(`only ${midRun} of ${trials} PostgreSQL restarts came while a run was running (none started within 30 s)`);
    report.push({ scenario: 'PostgreSQL restart mid-run', trials: `${trials} (${midRun} mid-run)`, currentMs, outcome: outcome(problems) });
    expect(problems).toEqual([]);
  });

  it('two workers, a job delivered twice, and a worker stopped with SIGTERM mid-run', async () => {
    const { season: s, log } = await season('pair');
    const manualJobs: string[] = [];
    const problems: string[] = [];
    let runningAtSigterm = 0;
    const first = workers.filter((w) => w.alive).at(-1)!;
    const second = await startWorker('worker-pair');
    const stream = new EditStream(client, s, log, random, 150);
    try {
      await sleep(2_000);
      await manualRecalculation(s, manualJobs);

      // The same job twice under two ids, and a completed one moved back to run again.
      const board = s.boards[2];
      const duplicates = await Promise.all(['a', 'b'].map((id) => queue.add(RECALC_JOB, { leaderboardId: board, trigger: 'MANUAL' }, { jobId: `chaos-dup-${id}-${Date.now()}` })));
      const finished = async (job: Job) => ['completed', 'failed'].includes(await job.getState());
      await eventually(async () => (await Promise.all(duplicates.map(finished))).every(Boolean), 30_000);
      await duplicates[0].retry('completed');
      await eventually(() => finished(duplicates[0]), 30_000);
      for (const job of duplicates) {
        const state = await job.getState();
        if (state !== 'completed') problems.push(`duplicate job ${job.id} ended ${state}: ${(await Job.fromId(queue, job.id!))?.failedReason}`);
      }

      // SIGTERM while runs are active: the worker finishes or hands back its runs, and exits.
      await runningRunStartedAfter(new Date(Date.now() - 50), 30_000);
      runningAtSigterm = (await db.query(`SELECT count(*)::int AS n FROM recalc_run WHERE status = 'running' AND leaderboard_id = ANY($1)`, [s.boards]))[0].n;
      first.kill('SIGTERM');
      const stopped = await first.exited(20_000);
      if (!stopped) problems.push(`${first.name} had not exited 20 s after SIGTERM (${runningAtSigterm} runs were running)`);
      // Nest's shutdown hook re-raises the signal once the app has closed: SIGTERM is a clean exit too.
      else if (!['0', 'SIGTERM'].includes(first.exitStatus)) problems.push(`${first.name} exited with ${first.exitStatus} after SIGTERM:\n${first.tail()}`);
      await sleep(2_000);
    } finally {
      await stream.stop();
    }
    const currentMs = await timeUntilCurrent(db, s.boards, 'with two workers, duplicates and a SIGTERM', 60_000);
    problems.push(...(await quietProblems(s, log, manualJobs)));
    if (!second.alive) problems.push(`${second.name} exited (${second.exitStatus}):\n${second.tail()}`);
    report.push({ scenario: 'two workers + duplicate job + SIGTERM', trials: `1 (${runningAtSigterm} running at SIGTERM)`, currentMs, outcome: outcome(problems) });
    expect(problems).toEqual([]);
  });

  it('the checks themselves notice a wrong standings row and a lost edit (so a pass means something)', async () => {
    const { season: s, log } = await season('canary');
    // The hand-edited row is on board B, which the category-A race below does not feed: its
    // entry keeps its position, so the points difference is the one reported, and B is checked
    // first so the other boards' shifted positions cannot crowd it out of the report.
    const [boardA, boardB, ...others] = s.boards;
    const [row] = await db.query(
      `SELECT r.id FROM race_result r JOIN result_set rs ON rs.id = r.result_set_id WHERE rs.leaderboard_id = $1 AND rs.state <> 'R' ORDER BY r.seq LIMIT 1`,
      [boardB],
    );
    // Behind the app's back: standings points changed by hand, and a race row gone.
    await db.query(`UPDATE race_result SET points = points + 1 WHERE id = $1`, [row.id]);
    await db.query(`DELETE FROM race_result WHERE id = (SELECT min(id) FROM race_result WHERE result_set_id = $1)`, [s.sets[0].id]);
    const problems = (await problemsOf(db, [boardB, boardA, ...others], log, describeJob)).join('\n');
    expect(problems).toContain('stored points');
    expect(problems).toContain(`race set ${s.sets[0].id}: the database holds none`);
  });
});

/**
 * Each standings write (a run's upsert) sleeps once per transaction, inside the run's
 * transaction and under its lock: runs of a few hundred results then last long enough to be
 * killed, restarted or competed for mid-run. Race rows (no group_key) are not slowed.
 */
async function slowStandingsWrites(db: DataSource): Promise<void> {
  await db.query(`
    CREATE FUNCTION chaos_slow_standings_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('chaos.slept', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('chaos.slept', 'yes', true);
        PERFORM pg_sleep(${SLOW_WRITE_S});
      END IF;
      RETURN NEW;
    END $$`);
  await db.query(`
    CREATE TRIGGER chaos_slow_standings_write BEFORE INSERT OR UPDATE ON race_result
      FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION chaos_slow_standings_write()`);
}

function outcome(problems: string[]): string {
  return problems.length === 0 ? 'ok' : `FAILED (${problems.length})`;
}

function printReport(totalMs: number): void {
  const ms = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);
  const rows = [
    ['scenario', 'trials', 'until every board current', 'write p50', 'write p99', 'write max', 'outcome'],
    ...report.map((r) => [r.scenario, String(r.trials), ms(r.currentMs), ms(r.p50), ms(r.p99), ms(r.max), r.outcome]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
  process.stdout.write(`\nChaos suite (${Math.round(totalMs / 1000)} s; targets: write p99 < ${TARGET.writeP99DuringRedisOutageMs} ms while Redis is down, every board current < ${TARGET.currentAfterRedisReturnsMs} ms after it returns)\n${table}\n\n`);
}
