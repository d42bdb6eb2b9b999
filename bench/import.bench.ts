/**
 * Import benchmark (issue 5): a 50 000-row .xlsx (and the same rows as .csv) posted to
 * POST /api/events/:id/results/import end to end, from a client in this process to the API on
 * loopback. Prints rows/s and the peak RSS of the process (server and client together, sampled
 * every 5 ms), as the median of 3 imports after a warm-up. Run with `npm run bench:import`.
 */
import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import ExcelJS from 'exceljs';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { ADMIN_KEY, destroySandbox, newSandbox } from '../test/support/sandbox';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const RUNS = 3;

function rows(): (string | number | null)[][] {
  const out: (string | number | null)[][] = [['Place', 'Bib', 'Licence', 'First Name', 'Last Name', 'School', 'Time', 'Status']];
  for (let i = 1; i <= ROWS; i++) {
    const dnf = i % 37 === 0;
    out.push([dnf ? null : i, String(i), i % 3 === 0 ? `LIC-${i}` : null, `Rider${i}`, `Bench${i}`, `School ${i % 60}`, dnf ? null : 3_600 + i / 10, dnf ? 'DNF' : null]);
  }
  return out;
}

async function xlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('U14 Boys');
  for (const row of rows()) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function csv(): Buffer {
  return Buffer.from(rows().map((r) => r.map((c) => c ?? '').join(',')).join('\n'));
}

async function main(): Promise<void> {
  const sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const app = await createPodiumApp(loadConfig(sandbox.env), { bufferLogs: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api`;
  const headers = { Authorization: `Bearer ${ADMIN_KEY}` };
  const post = async (path: string, body: object) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  };
  try {
    const seriesId = await post('/series', { name: 'Bench', customLabels: { custom1: 'School' } });
    const scaleId = await post('/points-scales', { name: 'F1', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] });
    await post('/leaderboards', { seriesId, name: 'Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'] });
    const files = { xlsx: await xlsx(), csv: csv() };

    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}`);
    console.log(`\n| file | rows | size | median import | rows/s | peak RSS during imports |`);
    console.log('|---|---|---|---|---|---|');
    for (const [format, file] of Object.entries(files)) {
      const eventId = await post(`/series/${seriesId}/events`, { name: `Round ${format}`, date: '2026-03-14' });
      const importOnce = async () => {
        const form = new FormData();
        form.append('file', new Blob([file]), `results.${format}`);
        form.append('category', 'U14 Boys');
        const started = performance.now();
        const res = await fetch(`${base}/events/${eventId}/results/import`, { method: 'POST', headers, body: form });
        const body = (await res.json()) as { rows?: number };
        if (res.status !== 200 || body.rows !== ROWS) throw new Error(`import answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
        return performance.now() - started;
      };
      await importOnce(); // warm-up; later runs replace the same set (the re-import path)
      global.gc?.();
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await importOnce());
      clearInterval(sampler);
      const median = times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
      console.log(`| ${format} | ${ROWS.toLocaleString('en')} | ${(file.length / 2 ** 20).toFixed(1)} MB | ${median.toFixed(0)} ms | ${Math.round(ROWS / (median / 1000)).toLocaleString('en')} | ${(peak / 2 ** 20).toFixed(0)} MB |`);
    }
  } finally {
    await app.close();
    await destroySandbox(sandbox);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
