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

/** The child: Podium's API on a free port, announced on stdout. */
async function serve(): Promise<void> {
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
    const figures: Record<string, number> = {};
    for (const format of FORMATS) {
      resetPeakRss(child);
      const files = await Promise.all(Array.from({ length: RUNS + 1 }, () => file(format, `${format}${run++}`)));
      const fresh: { ms: number; cpu: number }[] = [];
      let lastEvent = 0;
      for (const [i, body] of files.entries()) {
        lastEvent = await post(`/series/${seriesId}/events`, { name: `Round ${format} ${i}`, date: '2026-03-14' });
        const timing = await importOnce(lastEvent, body, format);
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
    console.log(`\nPodium process RSS before the imports: ${idleRss.toFixed(0)} MB; peak RSS (VmHWM) during each format's imports: ${peaks.join(', ')}`);
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
