/**
 * Fleet benchmark (issue 16, target 2). Run with `npm run bench:fleet`.
 *
 * 1 000 boards of 480 results (one series: 8 events, 20 categories of 60 riders; each board one
 * category, an F1 table). Podium runs as separate processes, compiled (`.bench/`): one API
 * process, then one and then two worker processes (WORKER_CONCURRENCY 4 each). One
 * `POST /api/leaderboards/recalculate-all` is timed until every board's run has completed
 * (recalc_run), beside the hand-written SQL of every board run one after another on one
 * connection. Prints the answer time of recalculate-all, the drain, boards/s, the worker
 * processes' peak RSS and the time split the runs recorded (queue wait, lock, load, compute,
 * write). The first drain (every row inserted) is a warm-up and reported apart.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { Client } from 'pg';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { ADMIN_KEY, destroySandbox, newSandbox } from '../test/support/sandbox';
import { Queryable, SeasonShape, SeededBoard, seedFleet, sqlStandings } from './seed';
import { machineLine, runBench } from './run';
import { recordFigures } from './scorecard';

const SHAPE: SeasonShape = { events: 8, categories: 20, riders: 60 };
const BOARDS = Number(process.env.BENCH_FLEET_BOARDS ?? 1_000);
const CONCURRENCY = process.env.BENCH_FLEET_CONCURRENCY ?? '4';
/** BENCH_FLEET_WORKERS: the worker process counts to drain with, in order (default 1,2). */
const WORKER_COUNTS = (process.env.BENCH_FLEET_WORKERS ?? '1,2').split(',').map(Number);
/** BENCH_FLEET_REPEATS: repeated drains at each worker count (default 1), for A/B runs. */
const REPEATS = Number(process.env.BENCH_FLEET_REPEATS ?? 1);
/** Longest a drain may take before the bench gives up. */
const DRAIN_LIMIT_MS = 180_000;

/** BENCH_FLEET_HEAP_SNAPSHOTS: a directory; each process writes a heap snapshot there after each drain (slow: for finding what grows). */
const SNAPSHOTS = process.env.BENCH_FLEET_HEAP_SNAPSHOTS;
let snapshots = 0;

/** The child: Podium with the APP_ROLE of its environment; an API announces its port, a worker "ready". */
async function serve(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createPodiumApp(config, { bufferLogs: false });
  if (config.appRole === 'worker') {
    await app.init();
    process.stdout.write('ready\n');
  } else {
    await app.listen(0, '127.0.0.1');
    process.stdout.write(`${(app.getHttpServer().address() as AddressInfo).port}\n`);
  }
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  // Whether V8 has run a full (mark-compact) collection since the last report: a heap that only grows between them is not yet a leak.
  let majorGcs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcs += 1;
  }).observe({ entryTypes: ['gc'] });
  // Where a process's memory is (the bench asks after each drain): V8's heap spaces and the rest.
  process.on('SIGUSR2', () => {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)}`;
    const m = process.memoryUsage();
    const spaces = getHeapSpaceStatistics().map((s) => `${s.space_name.replace('_space', '')} ${mb(s.space_size)}`).join(', ');
    process.stderr.write(`memory of ${config.appRole} ${process.pid} (MB): rss ${mb(m.rss)}, heap total ${mb(m.heapTotal)} (used ${mb(m.heapUsed)}; spaces ${spaces}), external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)}); full GCs since the last report ${majorGcs}\n`);
    majorGcs = 0;
    if (SNAPSHOTS) process.stderr.write(`heap snapshot: ${writeHeapSnapshot(`${SNAPSHOTS}/${config.appRole}-${process.pid}-${++snapshots}.heapsnapshot`)}\n`);
  });
}

/** BENCH_FLEET_WORKER_NODE_ARGS: Node flags for the worker processes only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/fleet`. */
const WORKER_NODE_ARGS = (process.env.BENCH_FLEET_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** BENCH_FLEET_API_NODE_ARGS: the same for the API process. */
const API_NODE_ARGS = (process.env.BENCH_FLEET_API_NODE_ARGS ?? '').split(' ').filter(Boolean);

function start(env: Record<string, string>): { child: ChildProcess; first: Promise<string> } {
  const nodeArgs = env.APP_ROLE === 'worker' ? WORKER_NODE_ARGS : API_NODE_ARGS;
  const child = spawn(process.execPath, [...nodeArgs, __filename, '--serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  // Log lines may come first: the announcement is the line that is "ready" or a port.
  const first = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => /^(ready|\d+)$/.test(l.trim()));
      if (line) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`Podium exited ${code} before it was ready:\n${out.slice(-2000)}`)));
  });
  return { child, first };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function rssMb(child: ChildProcess, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
}

/** CPU time (user + system) a process has used so far, in ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** The Redis server's pid, when it runs on this machine (it is shared with anything else using it). */
function redisPid(): number | null {
  try {
    const pid = Number(execFileSync('pidof', ['redis-server'], { encoding: 'utf8' }).trim().split(' ')[0]);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Where a drain's CPU goes: the worker processes, the API process, the sandbox database's
 * PostgreSQL backends (every connection to it, the bench's own polling included) and the Redis
 * server (whole server: other users of it count too). Each as ms of CPU over the drain.
 */
interface CpuSplit {
  workers: number;
  api: number;
  postgres: number;
  redis: number;
}

async function cpuSnapshot(db: Client, api: ChildProcess, workers: ChildProcess[]): Promise<{ pg: Map<number, number>; split: CpuSplit }> {
  const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const pg = new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
  const redis = redisPid();
  return {
    pg,
    split: { workers: sum(workers.map((w) => cpuMs(w.pid!))), api: cpuMs(api.pid!), postgres: sum([...pg.values()]), redis: redis === null ? 0 : cpuMs(redis) },
  };
}

async function cpuSince(db: Client, api: ChildProcess, workers: ChildProcess[], before: { pg: Map<number, number>; split: CpuSplit }): Promise<CpuSplit> {
  const after = await cpuSnapshot(db, api, workers);
  // A backend that started during the drain counts from 0; one that ended is lost (pools keep theirs).
  let postgres = 0;
  for (const [pid, ms] of after.pg) postgres += ms - (before.pg.get(pid) ?? 0);
  return { workers: after.split.workers - before.split.workers, api: after.split.api - before.split.api, postgres, redis: after.split.redis - before.split.redis };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

interface Timings {
  queueMs: number;
  lockMs: number;
  loadMs: number;
  computeMs: number;
  writeMs: number;
}

interface Drain {
  answerMs: number;
  drainMs: number;
  failed: number;
  peakRssMb: number;
  timings: Timings[];
  runMs: number[];
  cpu: CpuSplit;
}

/** One recalculate-all, until every job it answered has a completed (or failed) run row. */
async function drain(base: string, db: Client, seriesId: number, api: ChildProcess, workers: ChildProcess[]): Promise<Drain> {
  let peak = 0;
  const sample = () => {
    for (const w of workers) peak = Math.max(peak, rssMb(w, 'VmRSS'));
  };
  const sampler = setInterval(sample, 20);
  try {
    const cpuBefore = await cpuSnapshot(db, api, workers);
    const started = performance.now();
    const res = await fetch(`${base}/leaderboards/recalculate-all?seriesId=${seriesId}`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    const answerMs = performance.now() - started;
    if (res.status !== 202) throw new Error(`recalculate-all answered ${res.status}: ${await res.text()}`);
    const { jobs } = (await res.json()) as { jobs: { jobId: string }[] };
    if (jobs.length !== BOARDS) throw new Error(`recalculate-all answered ${jobs.length} jobs`);
    const ids = jobs.map((j) => j.jobId);
    for (;;) {
      const { rows } = await db.query(`SELECT count(*) FILTER (WHERE status IN ('completed', 'failed'))::int AS done FROM recalc_run WHERE job_id = ANY($1)`, [ids]);
      if (rows[0].done === ids.length) break;
      if (performance.now() - started > DRAIN_LIMIT_MS) throw new Error(`drain: ${rows[0].done} of ${ids.length} after ${DRAIN_LIMIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const drainMs = performance.now() - started;
    sample();
    for (const w of workers) w.kill('SIGUSR2');
    const cpu = await cpuSince(db, api, workers, cpuBefore);
    const { rows } = await db.query(
      `SELECT status, summary->'timings' AS timings, extract(epoch FROM finished_at - started_at) * 1000 AS run_ms FROM recalc_run WHERE job_id = ANY($1)`,
      [ids],
    );
    return {
      answerMs,
      drainMs,
      failed: rows.filter((r) => r.status !== 'completed').length,
      peakRssMb: peak,
      timings: rows.filter((r) => r.timings).map((r) => r.timings),
      runMs: rows.map((r) => Number(r.run_ms)),
      cpu,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** The hand-written SQL of every board, one after another on one connection. */
async function sqlAll(db: Queryable, boards: SeededBoard[]): Promise<number> {
  const started = performance.now();
  for (const board of boards) await sqlStandings(db, board);
  return performance.now() - started;
}

/** Boards whose stored standings differ from the SQL's (points per rider, in order). */
async function mismatches(db: Queryable, boards: SeededBoard[]): Promise<number> {
  let bad = 0;
  for (const board of boards) {
    const oracle = await sqlStandings(db, board);
    const stored: { participant_id: number; points: number }[] = await db.query(
      `SELECT r.participant_id, r.points FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.leaderboard_id = $1 AND s.state <> 'R' ORDER BY r.points DESC, r.participant_id`,
      [board.leaderboardId],
    );
    if (stored.length !== oracle.length || stored.some((row, i) => row.participant_id !== oracle[i].participant_id || Math.abs(row.points - oracle[i].points) > 1e-9)) bad++;
  }
  return bad;
}

function report(label: string, d: Drain, sqlMs: number): void {
  const t = (k: keyof Timings) => d.timings.map((x) => x[k] ?? 0);
  const split = (['queueMs', 'lockMs', 'loadMs', 'computeMs', 'writeMs'] as const)
    .map((k) => `${k.replace('Ms', '')} ${median(t(k)).toFixed(0)} / ${pct(t(k), 0.95).toFixed(0)} ms (sum ${(sum(t(k)) / 1000).toFixed(1)} s)`)
    .join(', ');
  console.log(`| ${label} | ${d.answerMs.toFixed(0)} ms | ${(d.drainMs / 1000).toFixed(2)} s | ${(BOARDS / (d.drainMs / 1000)).toFixed(0)} | ${(sqlMs / 1000).toFixed(2)} s | **${(d.drainMs / sqlMs).toFixed(2)}×** | ${d.peakRssMb.toFixed(0)} MB | ${d.failed} |`);
  console.log(`|   time split per run, median / p95 (sum over the runs): ${split}; run (lock to commit) median ${median(d.runMs).toFixed(0)} ms ||||||||`);
  const perBoard = (ms: number) => `${(ms / BOARDS).toFixed(2)} ms`;
  const c = d.cpu;
  console.log(`|   CPU per board over the drain: worker processes ${perBoard(c.workers)}, API ${perBoard(c.api)}, PostgreSQL backends of the sandbox database ${perBoard(c.postgres)}, Redis server (shared) ${perBoard(c.redis)}; total ${perBoard(c.workers + c.api + c.postgres + c.redis)} against ${perBoard(d.drainMs)} of wall time per board ||||||||`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  console.log(machineLine());
  // REDIS_COMMAND_TIMEOUT_MS: the API's Redis deadline (500 ms by default, for telling an outage
  // fast) is raised only when BENCH_REDIS_TIMEOUT_MS says so: on a machine loaded far beyond its
  // cores, a batch of 100 adds has been seen to outlast 500 ms, and recalculate-all answered 503.
  const redisTimeout: Record<string, string> = process.env.BENCH_REDIS_TIMEOUT_MS ? { REDIS_COMMAND_TIMEOUT_MS: process.env.BENCH_REDIS_TIMEOUT_MS } : {};
  const sandbox = newSandbox({ LOG_LEVEL: 'warn', WORKER_CONCURRENCY: CONCURRENCY, RECALC_SWEEP_INTERVAL_MS: '600000', ...redisTimeout });
  const api = start({ ...sandbox.env, APP_ROLE: 'api' });
  const children: ChildProcess[] = [api.child];
  const db = new Client({ connectionString: sandbox.databaseUrl });
  try {
    const base = `http://127.0.0.1:${Number(await api.first)}/api`;
    await db.connect();
    const q: Queryable = { query: async (text: string, params?: unknown[]) => (await db.query(text, params)).rows };
    const boards = await seedFleet(q, SHAPE, BOARDS);
    const seriesId = boards[0].seriesId;
    console.log(`seeded ${BOARDS} boards of ${boards[0].results} results (${SHAPE.events} events, ${SHAPE.categories} categories × ${SHAPE.riders} riders); worker concurrency ${CONCURRENCY}`);

    await sqlAll(q, boards); // warm PostgreSQL's caches and plans
    const sqlMs = median([await sqlAll(q, boards), await sqlAll(q, boards), await sqlAll(q, boards)]);

    console.log('\n| drain | recalculate-all answer | drain (answer to last run completed) | boards/s | SQL of every board, one connection | drain / SQL | worker peak RSS (VmRSS, per process) | failed runs |');
    console.log('|---|---|---|---|---|---|---|---|');
    const workers: ChildProcess[] = [];
    const figures: Record<string, number> = {};
    let warm = false;
    for (const count of WORKER_COUNTS) {
      while (workers.length < count) {
        const w = start({ ...sandbox.env, APP_ROLE: 'worker' });
        children.push(w.child);
        workers.push(w.child);
        if ((await w.first) !== 'ready') throw new Error('worker did not start');
      }
      if (!warm) report(`first run, ${count} worker process${count > 1 ? 'es' : ''} (every row inserted; warm-up)`, await drain(base, db, seriesId, api.child, workers), sqlMs);
      warm = true;
      let repeated!: Drain;
      for (let r = 0; r < REPEATS; r++) {
        repeated = await drain(base, db, seriesId, api.child, workers);
        report(`${count} worker process${count > 1 ? 'es' : ''}, repeated run`, repeated, sqlMs);
      }
      Object.assign(figures, {
        [`drain${count}.ms`]: repeated.drainMs, [`drain${count}.ratio`]: repeated.drainMs / sqlMs,
        [`drain${count}.boardsPerSec`]: BOARDS / (repeated.drainMs / 1000), [`drain${count}.answerMs`]: repeated.answerMs,
      });
    }
    const peakRss = Math.max(...workers.map((w) => rssMb(w, 'VmHWM')));
    const differing = await mismatches(q, boards);
    recordFigures('fleet', { ...figures, sqlMs, answerMs: figures['drain1.answerMs'], workerPeakRssMb: peakRss, mismatches: differing });
    console.log(`\nworker peak RSS over the whole bench (VmHWM): ${workers.map((w) => `${rssMb(w, 'VmHWM').toFixed(0)} MB`).join(', ')}`);
    console.log(`boards whose standings differ from the SQL: ${differing} of ${BOARDS}`);
    await listBoards(base, seriesId);
  } finally {
    await db.end().catch(() => undefined);
    for (const child of children.reverse()) await stop(child);
    await destroySandbox(sandbox);
  }
}

/**
 * What lists the fleet's 1,000 boards (each computed, each with a last run): the API's
 * `GET /api/leaderboards?seriesId=` (the console's list of a series), the series page and the
 * home page (public pages that list every board); median of 5 after one warm-up, public and admin.
 */
async function listBoards(base: string, seriesId: number): Promise<void> {
  const host = base.replace(/\/api$/, '');
  const times = async (path: string, headers: Record<string, string>) => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      const res = await fetch(`${host}${path}`, { headers });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
      if (i > 0) ms.push(performance.now() - started);
      bytes = body.length;
    }
    return `${median(ms).toFixed(0)} ms (${(bytes / 1024).toFixed(0)} KB)`;
  };
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
  for (const [what, path] of [['GET /api/leaderboards?seriesId=', `/api/leaderboards?seriesId=${seriesId}`], ['the series page', `/series/${seriesId}`], ['the home page', '/']]) {
    console.log(`${what} over the series' ${BOARDS} boards, median of 5: public ${await times(path, {})}, admin ${await times(path, admin)}`);
  }
}

runBench(main, process.argv.includes('--serve'));
