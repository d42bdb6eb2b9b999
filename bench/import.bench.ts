/**
 * Import benchmark (issue 5): a 50 000-row .xlsx (and the same rows as .csv) posted to
 * POST /api/events/:id/results/import end to end over loopback, with Podium in a child
 * process so its peak RSS (VmHWM) is its own. Two cases, median of 3 after a warm-up:
 * "new riders" (a new event whose riders are all unknown: every participant created) and
 * "re-import" (the same file again: the set's rows replaced, riders matched).
 * Run with `npm run bench:import` (BENCH_IMPORT_ROWS to change the size).
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import ExcelJS from 'exceljs';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { ADMIN_KEY, destroySandbox, newSandbox, Sandbox } from '../test/support/sandbox';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const RUNS = 3;
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
  process.stdout.write(`${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function main(): Promise<void> {
  const sandbox: Sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--serve'], {
    env: { ...process.env, ...sandbox.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [chunk] = await once(child.stdout!, 'data');
    const base = `http://127.0.0.1:${Number(String(chunk).trim())}/api`;
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
      const res = await fetch(`${base}/events/${eventId}/results/import`, { method: 'POST', headers, body: form });
      const answer = (await res.json()) as { rows?: number };
      if (res.status !== 200 || answer.rows !== ROWS) throw new Error(`import answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);
      return performance.now() - started;
    };
    const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];

    // The machine is shared: the load average says how much else ran beside the imports.
    const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
    const runs: string[] = [];
    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; load average ${load()}`);
    console.log('\n| file | rows | size | case | median import | rows/s |');
    console.log('|---|---|---|---|---|---|');
    let run = 0;
    for (const format of ['xlsx', 'csv']) {
      const files = await Promise.all(Array.from({ length: RUNS + 1 }, () => file(format, `${format}${run++}`)));
      const fresh: number[] = [];
      let lastEvent = 0;
      for (const [i, body] of files.entries()) {
        lastEvent = await post(`/series/${seriesId}/events`, { name: `Round ${format} ${i}`, date: '2026-03-14' });
        const ms = await importOnce(lastEvent, body, format);
        if (i > 0) fresh.push(ms); // the first is the warm-up
      }
      const again: number[] = [];
      for (let i = 0; i < RUNS; i++) again.push(await importOnce(lastEvent, files[RUNS], format));
      const size = `${(files[0].length / 2 ** 20).toFixed(1)} MB`;
      for (const [label, times] of [['new riders', fresh], ['re-import', again]] as const) {
        const ms = median(times);
        console.log(`| ${format} | ${ROWS.toLocaleString('en')} | ${size} | ${label} | ${ms.toFixed(0)} ms | ${Math.round(ROWS / (ms / 1000)).toLocaleString('en')} |`);
        runs.push(`${format} ${label}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
      }
    }
    console.log(`\nPodium process peak RSS (VmHWM) over all imports: ${peakRssMb(child).toFixed(0)} MB`);
    console.log(`runs, fastest first: ${runs.join('; ')}`);
    console.log(`load average at the end: ${load()}`);
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
