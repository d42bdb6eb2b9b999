/**
 * End-to-end recalculation benchmark (issue 4). Run with `npm run bench:recalculation`.
 * Prints a Markdown table; the figures in BENCHMARKS.md come from this script.
 *
 *   - recalculation of a small board (960 results), a medium one (10 000), a season board
 *     (60 000) and a 1 000 000-result series, each beside the hand-written SQL that computes
 *     the same standings in the same run;
 *   - the round trips to PostgreSQL of each run (issue 16), and with BENCH_TRACE=n each
 *     statement of n repeated runs and of n runs after an edit, with its times;
 *   - standings rows written after a one-result edit;
 *   - the worker's peak RSS while recalculating the 1M series (a separate, fresh process).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { RecalculationRunner } from '../src/leaderboards/recalculation/recalculation-runner';
import { destroySandbox, newSandbox } from '../test/support/sandbox';
import { SeasonShape, seedSeason, SeededBoard, sqlStandings } from './seed';
import { machineLine, runBench } from './run';
import { recordFigures } from './scorecard';

const SHAPES: Record<string, SeasonShape> = {
  small: { events: 8, categories: 2, riders: 60 }, // 960 results: a club's board
  medium: { events: 10, categories: 4, riders: 250 }, // 10 000 results
  season: { events: 20, categories: 10, riders: 300 }, // 60 000 results
  series1m: { events: 40, categories: 10, riders: 2_500 }, // 1 000 000 results
};

async function withApp<T>(work: (runner: RecalculationRunner, db: DataSource) => Promise<T>): Promise<T> {
  const sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const app = await createPodiumApp(loadConfig(sandbox.env), { bufferLogs: false });
  await app.init();
  try {
    return await work(app.get(RecalculationRunner), app.get(DataSource));
  } finally {
    await app.close();
    await destroySandbox(sandbox);
  }
}

/**
 * Round trips to PostgreSQL: every query a pg client sends (node-pg sends one at a time and
 * waits for its answer; BEGIN, COMMIT and each COPY count as one). Counted by wrapping
 * Client.prototype.query, which TypeORM's driver and rawClient both go through.
 */
const roundTrips = { count: 0, trace: null as null | { text: string; sent: number; answered: number }[], since: 0 };
/** Starts tracing: statements from now on are listed. */
function startTrace(): void {
  roundTrips.trace = [];
  roundTrips.since = performance.now();
}
const originalQuery = Client.prototype.query;
(Client.prototype as { query: unknown }).query = function countedQuery(this: Client, ...args: unknown[]) {
  roundTrips.count += 1;
  const sent = performance.now();
  const result = (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  // BENCH_TRACE: each statement of traced runs after the warm-ups, with the time to its answer.
  const trace = roundTrips.trace;
  const first = args[0] as string | { text?: string; on?: (event: string, listener: () => void) => void } | undefined;
  // A COPY (pg-copy-streams) is a stream, not a promise: answered when it finishes (FROM) or ends (TO).
  const stream = typeof first === 'object' && typeof first?.on === 'function' ? first : null;
  if (trace && (result instanceof Promise || stream)) {
    const text = (typeof first === 'string' ? first : first?.text ?? 'COPY').replace(/\s+/g, ' ').slice(0, 80);
    const entry = { text, sent, answered: NaN };
    trace.push(entry);
    const answered = () => (entry.answered = performance.now());
    if (result instanceof Promise) void result.then(answered, () => undefined);
    else for (const event of ['finish', 'end']) stream!.on!(event, answered);
  } else if (trace && result && typeof (result as { submit?: unknown }).submit === 'function' && typeof (result as { callback?: unknown }).callback === 'function') {
    // A custom query object (a pipeline, common/database/pipeline.ts; a COPY has none): timed by its callback.
    const query = result as { text?: string; callback: (...a: unknown[]) => void };
    const entry = { text: (query.text ?? 'pipeline').replace(/\s+/g, ' ').slice(0, 80), sent, answered: NaN };
    trace.push(entry);
    const callback = query.callback;
    query.callback = (...a: unknown[]) => {
      entry.answered = performance.now();
      callback(...a);
    };
  }
  return result;
};

/**
 * BENCH_TRACE=n: n runs traced; per statement (in the run's order) the median and max of the
 * time Node spent before sending it (since the last answer before it, or since the trace began)
 * and the median, 90th percentile and max of its time to its answer: what is Node's between
 * statements, and what is PostgreSQL's and the wire's (and any pause of Node's meanwhile).
 */
async function traceRuns<R extends { ms: number }>(name: string, what: string, run: () => Promise<R>, n: number): Promise<R> {
  let last!: R;
  const runs: { text: string; ms: number; gap: number }[][] = [];
  const totals: number[] = [];
  for (let i = 0; i < n; i++) {
    startTrace();
    last = await run();
    const { ms } = last;
    const began = roundTrips.since;
    const trace = roundTrips.trace ?? [];
    roundTrips.trace = null;
    totals.push(ms);
    // Node's time before a statement: since the last answer that came before it was sent (two
    // statements may be in flight at once, on two connections).
    const lastAnswerBefore = (sent: number) => trace.reduce((last, t) => (t.answered <= sent && t.answered > last ? t.answered : last), began);
    runs.push(trace.map((t) => ({ text: t.text, ms: t.answered - t.sent, gap: t.sent - lastAnswerBefore(t.sent) })));
  }
  const shapes = new Set(runs.map((r) => r.map((t) => t.text).join('\n')));
  console.log(`\n${name}: ${n} traced ${what}, median ${median(totals).toFixed(1)} ms (max ${Math.max(...totals).toFixed(1)})` +
    `${shapes.size > 1 ? ` (${shapes.size} different statement sequences: the first run's shown)` : ''}; per statement:`);
  console.log('   Node before    to its answer (median / p90 / max)   statement');
  const columns = runs.filter((r) => r.length === runs[0].length);
  runs[0].forEach((t, at) => {
    const gaps = columns.map((r) => r[at].gap);
    const mss = columns.map((r) => r[at].ms);
    console.log(`  ${median(gaps).toFixed(2).padStart(5)} / ${Math.max(...gaps).toFixed(2).padStart(5)}   ${median(mss).toFixed(2).padStart(5)} / ${quantile(mss, 0.9).toFixed(2).padStart(5)} / ${Math.max(...mss).toFixed(2).padStart(5)}   ${t.text}`);
  });
  const sumOf = (pick: (t: { ms: number; gap: number }) => number) => median(columns.map((r) => r.reduce((sum, t) => sum + pick(t), 0)));
  console.log(`  sums (median over runs): Node between statements ${sumOf((t) => t.gap).toFixed(2)} ms, waiting for answers ${sumOf((t) => t.ms).toFixed(2)} ms`);
  return last;
}

let jobCounter = 0;
async function recalc(runner: RecalculationRunner, board: SeededBoard) {
  const jobId = `bench-${process.pid}-${++jobCounter}`;
  const tripsBefore = roundTrips.count;
  const started = process.hrtime.bigint();
  const outcome = await runner.run({
    jobId,
    leaderboardId: board.leaderboardId,
    trigger: 'MANUAL',
    queuedAt: new Date(),
    attempt: 1,
    maxAttempts: 1,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const trips = roundTrips.count - tripsBefore;
  if (outcome.kind !== 'completed') throw new Error(`run ${outcome.kind}: ${'error' in outcome ? outcome.error : ''}`);
  return { ms, write: outcome.write!, jobId, trips };
}

/** The per-phase timings the run recorded in its summary. */
async function phases(db: DataSource, jobId: string): Promise<{ loadMs: number; computeMs: number; writeMs: number }> {
  const [run] = await db.query(`SELECT summary FROM recalc_run WHERE job_id = $1`, [jobId]);
  return run.summary.timings;
}

async function timeSql(db: DataSource, board: SeededBoard) {
  const started = process.hrtime.bigint();
  const rows = await sqlStandings(db, board);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, rows };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

async function compare(name: string, shape: SeasonShape, repeats: number, warmups: number) {
  return withApp(async (runner, db) => {
    const board = await seedSeason(db, shape);
    // BENCH_TRACE_FIRST=1: the first run's statements, with their times (one run: no medians).
    const traceFirst = process.env.BENCH_TRACE_FIRST === '1';
    const first = traceFirst ? await traceRuns(name, 'first run', () => recalc(runner, board), 1) : await recalc(runner, board);
    // A worker process runs recalculation after recalculation: measure with its code compiled
    // by the JIT (and PostgreSQL's caches warm), as the SQL below is measured after one run.
    for (let i = 0; i < warmups; i++) await recalc(runner, board);
    const traced = Number(process.env.BENCH_TRACE ?? 0);
    if (traced > 0) await traceRuns(name, 'repeated runs', () => recalc(runner, board), traced);
    const podium: number[] = [];
    const sql: number[] = [];
    const trips: number[] = [];
    const timings: { loadMs: number; computeMs: number; writeMs: number }[] = [];
    let oracle = await timeSql(db, board);
    for (let i = 0; i < repeats; i++) {
      const run = await recalc(runner, board);
      podium.push(run.ms);
      trips.push(run.trips);
      timings.push(await phases(db, run.jobId));
      oracle = await timeSql(db, board);
      sql.push(oracle.ms);
    }
    // Same standings as the SQL: points per rider.
    const stored: { participant_id: number; points: number; position: number }[] = await db.query(
      `SELECT r.participant_id, r.points, r.position FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.leaderboard_id = $1 AND s.state <> 'R' ORDER BY r.points DESC, r.participant_id`,
      [board.leaderboardId],
    );
    const mismatches = stored.filter((row, i) => row.participant_id !== oracle.rows[i]?.participant_id || Math.abs(row.points - oracle.rows[i].points) > 1e-9).length;

    // One result edit: swap the 1st and 2nd of one race, then recalculate. Every entry whose
    // values changed must be written, and nothing else.
    const snapshot = async () =>
      new Map<string, string>(
        (await db.query(
          `SELECT r.group_key, concat_ws('|', r.position, r.points, r.seq, r.breakdown::text) AS v FROM race_result r
             JOIN result_set s ON s.id = r.result_set_id WHERE s.leaderboard_id = $1 AND s.state <> 'R'`,
          [board.leaderboardId],
        )).map((row: { group_key: string; v: string }) => [row.group_key, row.v]),
      );
    const swap = async () => {
      await db.query(
        `WITH race AS (SELECT id FROM result_set WHERE event_id IS NOT NULL ORDER BY id LIMIT 1)
         UPDATE race_result SET position = 3 - position WHERE result_set_id = (SELECT id FROM race) AND position IN (1, 2)`,
      );
      await db.query(`UPDATE recalc_outbox SET results_version = results_version + 1 WHERE leaderboard_id = $1`, [board.leaderboardId]);
      return recalc(runner, board);
    };
    const before = await snapshot();
    const edit = await swap();
    const after = await snapshot();
    const changed = [...after].filter(([key, v]) => before.get(key) !== v).length;
    // More edits (swapping back and forth) for the run time: one run is too noisy a figure.
    const editTimes = [edit.ms];
    const editTimings = [await phases(db, edit.jobId)];
    for (let i = 1; i < repeats; i++) {
      const again = await swap();
      editTimes.push(again.ms);
      editTimings.push(await phases(db, again.jobId));
    }
    if (traced > 0) await traceRuns(name, 'runs after a one-result edit (the edit itself not traced)', async () => {
      roundTrips.trace = null;
      await db.query(
        `WITH race AS (SELECT id FROM result_set WHERE event_id IS NOT NULL ORDER BY id LIMIT 1)
         UPDATE race_result SET position = 3 - position WHERE result_set_id = (SELECT id FROM race) AND position IN (1, 2)`,
      );
      await db.query(`UPDATE recalc_outbox SET results_version = results_version + 1 WHERE leaderboard_id = $1`, [board.leaderboardId]);
      startTrace();
      return recalc(runner, board);
    }, traced);
    return {
      changed,
      name,
      results: board.results,
      entries: stored.length,
      firstRunMs: first.ms,
      podiumMs: median(podium),
      sqlMs: median(sql),
      ratio: median(podium) / median(sql),
      mismatches,
      editRows: edit.write.inserted + edit.write.updated + edit.write.deleted,
      editMs: median(editTimes),
      trips: median(trips),
      editTrips: edit.trips,
      firstTrips: first.trips,
      phases: {
        load: median(timings.map((t) => t.loadMs)),
        compute: median(timings.map((t) => t.computeMs)),
        write: median(timings.map((t) => t.writeMs)),
      },
      editPhases: {
        load: median(editTimings.map((t) => t.loadMs)),
        compute: median(editTimings.map((t) => t.computeMs)),
        write: median(editTimings.map((t) => t.writeMs)),
      },
      firstPhases: await phases(db, first.jobId),
    };
  });
}

/** In a fresh child process: seed 1M results and recalculate once, sampling RSS every 5 ms. */
async function peakRssChild(): Promise<void> {
  await withApp(async (runner, db) => {
    const board = await seedSeason(db, SHAPES.series1m);
    if (global.gc) global.gc();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    await recalc(runner, board);
    clearInterval(timer);
    process.stdout.write(JSON.stringify({ baselineMb: baseline / 2 ** 20, peakMb: peak / 2 ** 20 }) + '\n');
  });
}

function runChild(): Promise<{ baselineMb: number; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--rss-child'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--rss-child')) return peakRssChild();
  // BENCH_SIZES=small,medium,season,series1m (any of them, comma-separated; default all) and
  // BENCH_RSS=0 to skip the peak-RSS child: quicker runs while iterating.
  const sizes = (process.env.BENCH_SIZES ?? 'small,medium,season,series1m').split(',').map((s) => s.trim());
  console.log(machineLine());
  const rows: Awaited<ReturnType<typeof compare>>[] = [];
  const figures: Record<string, number> = {};
  const measureSize = async (key: string, name: string, repeats: number, warmups: number) => {
    if (!sizes.includes(key)) return;
    const r = await compare(name, SHAPES[key], repeats, warmups);
    rows.push(r);
    Object.assign(figures, {
      [`${key}.ms`]: r.podiumMs, [`${key}.sqlMs`]: r.sqlMs, [`${key}.ratio`]: r.ratio,
      [`${key}.editMs`]: r.editMs, [`${key}.editRatio`]: r.editMs / r.sqlMs,
      [`${key}.firstMs`]: r.firstRunMs, [`${key}.firstRatio`]: r.firstRunMs / r.sqlMs, [`${key}.mismatches`]: r.mismatches,
    });
  };
  await measureSize('small', 'small board (8 events × 2 categories × 60 riders)', 21, 10);
  await measureSize('medium', 'medium board (10 events × 4 categories × 250 riders)', 15, 5);
  await measureSize('season', 'season board (20 events × 10 categories × 300 riders)', 9, 5);
  await measureSize('series1m', 'series (40 events × 10 categories × 2 500 riders)', 5, 2);
  recordFigures('recalculation', figures);
  console.log('\n| board | results | entries | Podium run (median) | hand-written SQL (median) | ratio | mismatches vs SQL | first run (all rows inserted) | rows written after a one-result edit (entries that changed), run time (median), ratio to the SQL |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.results.toLocaleString('en')} | ${r.entries.toLocaleString('en')} | ${r.podiumMs.toFixed(0)} ms | ${r.sqlMs.toFixed(0)} ms | ${r.ratio.toFixed(2)}× | ${r.mismatches} | ${r.firstRunMs.toFixed(0)} ms | ${r.editRows} (${r.changed}), ${r.editMs.toFixed(0)} ms, ${(r.editMs / r.sqlMs).toFixed(2)}× |`);
  }
  console.log('\nPer-phase timings recorded by the runs (recalc_run.summary.timings), medians of the repeated runs:');
  for (const r of rows) {
    const f = r.firstPhases;
    console.log(`- ${r.name}: load ${r.phases.load} ms, calculators ${r.phases.compute} ms, write ${r.phases.write} ms` +
      ` (after a one-result edit: ${r.editPhases.load} / ${r.editPhases.compute} / ${r.editPhases.write} ms; first run: ${f.loadMs} / ${f.computeMs} / ${f.writeMs} ms)`);
  }
  console.log('\nRound trips to PostgreSQL per run (queries sent, BEGIN/COMMIT and COPY included; deterministic):');
  for (const r of rows) console.log(`- ${r.name}: repeated run ${r.trips}, after a one-result edit ${r.editTrips}, first run ${r.firstTrips}`);
  if (process.env.BENCH_RSS === '0') return;
  const rss = await runChild();
  console.log(`\nworker peak RSS while recalculating 1 000 000 results: ${rss.peakMb.toFixed(0)} MB (baseline before the run ${rss.baselineMb.toFixed(0)} MB)`);
}

runBench(main);
