/**
 * Import benchmark (issue 5): a 50 000-row .xlsx (and the same rows as .csv) posted to
 * POST /api/events/:id/results/import end to end over loopback, with Podium in a child
 * process so its peak RSS (VmHWM, reset before each format) is its own. Two cases, median of 3 after a warm-up:
 * "new riders" (a new event whose riders are all unknown: every participant created) and
 * "re-import" (the same file again: the set's rows replaced, riders matched).
 * Run with `npm run bench:import`: compiled by tsc (tsconfig.bench.json), as `npm start` runs
 * Podium; under ts-node (`npx ts-node --transpile-only bench/import.bench.ts`) the compiler
 * stays in Podium's process, about 100 MB of RSS more. BENCH_IMPORT_ROWS changes the size,
 * BENCH_IMPORT_RUNS the runs, BENCH_IMPORT_FORMATS the formats (xlsx,csv) and
 * BENCH_IMPORT_NODE_ARGS adds flags to Podium's node (--cpu-prof, --trace-gc).
 * BENCH_IMPORT_TRACE=1 prints, for every transaction of Podium's with more than 5 statements
 * (an import), its statements by kind (count, time inside pg) and how long the connection sat
 * idle between them (JavaScript: parsing the file, building parameters). BENCH_IMPORT_EXPLAIN=n
 * prints EXPLAIN (ANALYZE, BUFFERS) of each import's n-th batch statement, run under a savepoint
 * rolled back before the statement itself runs.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import ExcelJS from 'exceljs';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { ADMIN_KEY, destroySandbox, newSandbox, Sandbox } from '../test/support/sandbox';
import { recordFigures } from './scorecard';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
const FORMATS = (process.env.BENCH_IMPORT_FORMATS ?? 'xlsx,csv').split(',');
/** Extra node flags for the Podium child, e.g. `--cpu-prof` or `--heapsnapshot-signal=SIGUSR2` to profile it. */
const CHILD_NODE_ARGS = (process.env.BENCH_IMPORT_NODE_ARGS ?? '').split(' ').filter(Boolean);
type Cell = string | number | null;

function rows(tag: string): Cell[][] {
  const out: Cell[][] = [['Place', 'Bib', 'Licence', 'First Name', 'Last Name', 'School', 'Time', 'Status']];
  for (let i = 1; i <= ROWS; i++) {
    const dnf = i % 37 === 0;
    out.push([dnf ? null : i, String(i), i % 3 === 0 ? `LIC-${tag}-${i}` : null, `Rider${i}`, `Bench${tag}x${i}`, `School ${i % 60}`, dnf ? null : 3_600 + i / 10, dnf ? 'DNF' : null]);
  }
  return out;
}

async function file(format: string, tag: string): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(rows(tag).map((r) => r.map((c) => c ?? '').join(',')).join('\n'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('U14 Boys');
  for (const row of rows(tag)) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The first words of a statement, for grouping the trace by kind. */
function kind(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  if (text.startsWith('WITH input AS MATERIALIZED')) return 'batch (riders + rows)';
  return text.slice(0, 60);
}

/**
 * BENCH_IMPORT_TRACE / BENCH_IMPORT_EXPLAIN (see the file's comment): wraps pg's Client.query in
 * Podium's process. Only for the bench: it times each statement from send to answer.
 */
function traceStatements(): void {
  const explainAt = Number(process.env.BENCH_IMPORT_EXPLAIN ?? 0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  type Tx = { started: number; last: number; idle: number; gaps: string[]; count: number; batches: number; kinds: Map<string, { n: number; ms: number }> };
  const open = new WeakMap<object, Tx>();
  const original = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as unknown as { query: unknown }).query = function (this: object, ...args: unknown[]) {
    const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text ?? '';
    const now = performance.now();
    let tx = open.get(this);
    if (/^\s*(START TRANSACTION|BEGIN)/i.test(sql)) {
      tx = { started: now, last: now, idle: 0, gaps: [], count: 0, batches: 0, kinds: new Map() };
      open.set(this, tx);
    }
    const done = (): void => {
      if (!tx) return;
      const end = performance.now();
      const k = kind(sql);
      const entry = tx.kinds.get(k) ?? { n: 0, ms: 0 };
      entry.n += 1;
      entry.ms += end - now;
      tx.kinds.set(k, entry);
      tx.last = end;
      if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(sql)) {
        open.delete(this);
        if (tx.count > 5) {
          const lines = [...tx.kinds].sort((a, b) => b[1].ms - a[1].ms).map(([name, e]) => `  ${e.n} × ${e.ms.toFixed(0)} ms  ${name}`);
          process.stderr.write(`transaction: ${(end - tx.started).toFixed(0)} ms, ${tx.count} statements, connection idle ${tx.idle.toFixed(0)} ms (gaps over 10 ms, before: ${tx.gaps.join('; ')})\n${lines.join('\n')}\n`);
        }
      }
    };
    if (tx) {
      if (now - tx.last > 10) tx.gaps.push(`${(now - tx.last).toFixed(0)} ms ${kind(sql).slice(0, 30)}`);
      tx.idle += now - tx.last;
      tx.count += 1;
    }
    const run = (): unknown => {
      const callback = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (...r: unknown[]) => void) : null;
      if (callback) {
        args[args.length - 1] = (...r: unknown[]) => {
          done();
          callback(...r);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args) as Promise<unknown> | undefined;
      return result?.finally?.(done) ?? result;
    };
    if (tx && explainAt > 0 && kind(sql).startsWith('batch') && ++tx.batches === explainAt) {
      const client = this as unknown as import('pg').Client;
      return (async () => {
        await client.query('SAVEPOINT bench_explain');
        const plan = await original.call(client, `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, args[1]) as { rows: { 'QUERY PLAN': string }[] };
        await client.query('ROLLBACK TO SAVEPOINT bench_explain');
        process.stderr.write(`EXPLAIN of batch ${explainAt}:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      })().then(run, (err) => {
        process.stderr.write(`EXPLAIN failed: ${(err as Error).message}\n`);
        return run();
      });
    }
    return run();
  };
}

/** The child: Podium's API on a free port, announced on stdout. */
async function serve(): Promise<void> {
  if (process.env.BENCH_IMPORT_TRACE || process.env.BENCH_IMPORT_EXPLAIN) traceStatements();
  const app = await createPodiumApp(loadConfig(process.env), { bufferLogs: false });
  await app.listen(0, '127.0.0.1');
  // A normal exit, so that --cpu-prof and the like write their files.
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`podium port ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

/** CPU time (user + system) the child has used so far, in ms: unlike wall time, barely moved by other processes' load. */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks of 10 ms
}

/** Starts the child's peak RSS (VmHWM) afresh, to tell each format's peak apart (Linux: clear_refs 5). */
function resetPeakRss(child: ChildProcess): void {
  writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
}

function rssMb(child: ChildProcess, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
}

async function main(): Promise<void> {
  const sandbox: Sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, ...(__filename.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : []), __filename, '--serve'], {
    env: { ...process.env, ...sandbox.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    // The port comes on the child's stdout; whatever else it prints there (--trace-gc) goes to stderr.
    const port = await new Promise<number>((resolve, reject) => {
      let head: string | null = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        let text = String(chunk);
        if (head !== null) {
          const found = /podium port (\d+)\n/.exec((head += text));
          if (!found) return;
          resolve(Number(found[1]));
          text = head.replace(found[0], '');
          head = null;
        }
        process.stderr.write(text);
      });
      child.once('exit', () => reject(new Error('Podium exited before listening')));
    });
    const base = `http://127.0.0.1:${port}/api`;
    const headers = { Authorization: `Bearer ${ADMIN_KEY}` };
    const post = async (path: string, body: object) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: number }).id;
    };
    const seriesId = await post('/series', { name: 'Bench', customLabels: { custom1: 'School' } });
    const scaleId = await post('/points-scales', { name: 'F1', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] });
    await post('/leaderboards', { seriesId, name: 'Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'] });
    const importOnce = async (eventId: number, body: Buffer, format: string) => {
      const form = new FormData();
      form.append('file', new Blob([body]), `results.${format}`);
      form.append('category', 'U14 Boys');
      const started = performance.now();
      const cpuBefore = cpuMs(child);
      const res = await fetch(`${base}/events/${eventId}/results/import`, { method: 'POST', headers, body: form });
      const answer = (await res.json()) as { rows?: number };
      if (res.status !== 200 || answer.rows !== ROWS) throw new Error(`import answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);
      return { ms: performance.now() - started, cpu: cpuMs(child) - cpuBefore };
    };
    const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];

    // The machine is shared: the load average says how much else ran beside the imports.
    const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
    const runs: string[] = [];
    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; load average ${load()}`);
    console.log('\n| file | rows | size | case | median import | rows/s | Podium CPU (median) |');
    console.log('|---|---|---|---|---|---|---|');
    let run = 0;
    const idleRss = rssMb(child, 'VmRSS');
    const peaks: string[] = [];
    /** The peak over the format's first import alone: the seven in a row let V8's old generation grow. */
    const firstPeaks: string[] = [];
    const figures: Record<string, number> = {};
    for (const format of FORMATS) {
      resetPeakRss(child);
      const files = await Promise.all(Array.from({ length: RUNS + 1 }, () => file(format, `${format}${run++}`)));
      const fresh: { ms: number; cpu: number }[] = [];
      let lastEvent = 0;
      for (const [i, body] of files.entries()) {
        lastEvent = await post(`/series/${seriesId}/events`, { name: `Round ${format} ${i}`, date: '2026-03-14' });
        const timing = await importOnce(lastEvent, body, format);
        if (i === 0) firstPeaks.push(`${format} ${rssMb(child).toFixed(0)} MB`);
        if (i > 0) fresh.push(timing); // the first is the warm-up
      }
      const again: { ms: number; cpu: number }[] = [];
      for (let i = 0; i < RUNS; i++) again.push(await importOnce(lastEvent, files[RUNS], format));
      const size = `${(files[0].length / 2 ** 20).toFixed(1)} MB`;
      for (const [label, timings] of [['new riders', fresh], ['re-import', again]] as const) {
        const times = timings.map((t) => t.ms);
        const ms = median(times);
        const cpu = median(timings.map((t) => t.cpu));
        console.log(`| ${format} | ${ROWS.toLocaleString('en')} | ${size} | ${label} | ${ms.toFixed(0)} ms | ${Math.round(ROWS / (ms / 1000)).toLocaleString('en')} | ${cpu} ms |`);
        figures[`${format}.${label === 'new riders' ? 'rowsPerSec' : 'reimportRowsPerSec'}`] = ROWS / (ms / 1000);
        runs.push(`${format} ${label}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
      }
      figures[`${format}.peakRssMb`] = rssMb(child);
      peaks.push(`${format} ${figures[`${format}.peakRssMb`].toFixed(0)} MB`);
    }
    console.log(`\nPodium process RSS before the imports: ${idleRss.toFixed(0)} MB; peak RSS (VmHWM) during each format's imports: ${peaks.join(', ')}; during its first import alone: ${firstPeaks.join(', ')}`);
    console.log(`runs, fastest first: ${runs.join('; ')}`);
    console.log(`load average at the end: ${load()}`);
    recordFigures('import', figures);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    await destroySandbox(sandbox);
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
