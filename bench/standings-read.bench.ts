/**
 * Standings read benchmark (issues 4 and 12). Under load from a second process (autocannon
 * -c 20): the JSON standings page of the 60k season board beside a minimal node:http + pg server
 * serving the same JSON from the stored rows, and the HTML standings page (100 entries × 20
 * events) beside a minimal server rendering it from the stored rows (the Podium side is skipped
 * while Podium has no page: 404). Then the CSV and XLSX exports of a 25,000-entry board: time,
 * size and the process's peak RSS. Run with `npm run bench:read`.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { INestApplication } from '@nestjs/common';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { RecalculationRunner } from '../src/leaderboards/recalculation/recalculation-runner';
import { destroySandbox, newSandbox } from '../test/support/sandbox';
import { SeasonShape, seedSeason } from './seed';

const CONNECTIONS = 20;
const SECONDS = 10;
const JSON_TARGET = { ratio: 2, p99: 30 };

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string): Promise<Load> {
  const cli = join(__dirname, '..', 'node_modules', 'autocannon', 'autocannon.js');
  const child = spawn(process.execPath, [cli, '-c', String(CONNECTIONS), '-d', String(SECONDS), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  await once(child, 'exit');
  const result = JSON.parse(out);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

/** A baseline server in its own process; it prints its port. */
async function startMinimal(script: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = await once(child.stdout!, 'data');
  return { child, port: Number(String(chunk).trim()) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function computedBoard(app: INestApplication, shape: SeasonShape): Promise<{ leaderboardId: number; resultSetId: number }> {
  const board = await seedSeason(app.get(DataSource), shape);
  const outcome = await app.get(RecalculationRunner).run({
    jobId: `bench-read-${board.leaderboardId}`, leaderboardId: board.leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
  });
  if (outcome.kind !== 'completed') throw new Error('recalculation failed');
  return { leaderboardId: board.leaderboardId, resultSetId: outcome.write!.resultSetId };
}

interface ExportRun {
  ms: number;
  bytes: number;
  rssBefore: number;
  rssPeak: number;
}

/** Downloads an export from the in-process app, sampling this process's RSS every 5 ms. */
async function timeExport(url: string): Promise<ExportRun> {
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 5);
  const started = performance.now();
  try {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    return { ms: performance.now() - started, bytes, rssBefore, rssPeak: Math.max(rssPeak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(sampler);
  }
}

const row = (name: string, r: Load) => `| ${name} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${r.errors} / ${r.non2xx} |`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const app = await createPodiumApp(loadConfig(sandbox.env), { bufferLogs: false });
  await app.listen(0, '127.0.0.1');
  const baselines: ChildProcess[] = [];
  try {
    const podium = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const season = await computedBoard(app, { events: 20, categories: 10, riders: 300 });

    // --- JSON standings page ---
    const jsonPath = `/api/leaderboards/${season.leaderboardId}/standings?limit=100`;
    const jsonBaseline = await startMinimal('minimal-standings-server.js', [sandbox.databaseUrl, String(season.resultSetId)]);
    baselines.push(jsonBaseline.child);
    await load(`${podium}${jsonPath}`); // warm-up
    const jsonPodium = await load(`${podium}${jsonPath}`);
    const jsonMinimal = await load(`http://127.0.0.1:${jsonBaseline.port}${jsonPath}`);
    await stop(jsonBaseline.child);

    // --- HTML standings page ---
    // The page shows 100 entries a page by default (it takes ?page=, not ?limit=).
    const pagePath = `/leaderboards/${season.leaderboardId}`;
    const pageBaseline = await startMinimal('minimal-standings-page-server.js', [sandbox.databaseUrl, String(season.leaderboardId), String(season.resultSetId)]);
    baselines.push(pageBaseline.child);
    const pageStatus = (await fetch(`${podium}${pagePath}`)).status;
    let pagePodium: Load | null = null;
    if (pageStatus !== 404 && pageStatus !== 200) throw new Error(`GET ${pagePath} answered ${pageStatus}, not 200`);
    if (pageStatus !== 404) {
      await load(`${podium}${pagePath}`); // warm-up
      pagePodium = await load(`${podium}${pagePath}`);
    }
    await load(`http://127.0.0.1:${pageBaseline.port}${pagePath}`); // warm-up
    const pageMinimal = await load(`http://127.0.0.1:${pageBaseline.port}${pagePath}`);
    await stop(pageBaseline.child);

    // --- exports of a 25,000-entry board ---
    const big = await computedBoard(app, { events: 20, categories: 10, riders: 2500 });
    const exports: [string, ExportRun][] = [];
    for (const ext of ['csv', 'xlsx']) {
      const url = `${podium}/api/leaderboards/${big.leaderboardId}/standings.${ext}`;
      await timeExport(url); // warm-up
      exports.push([ext.toUpperCase(), await timeExport(url)]);
    }

    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; autocannon -c ${CONNECTIONS} -d ${SECONDS} from a second process`);
    console.log('\nJSON standings, 60k season board (20 events × 10 categories × 300 riders), GET ' + jsonPath.replace(String(season.leaderboardId), ':id'));
    console.log('\n| server | requests/s | p50 | p99 | errors / non-2xx |');
    console.log('|---|---|---|---|---|');
    console.log(row('Podium (NestJS, auth guard, validation, ETag)', jsonPodium));
    console.log(row('minimal node:http + pg', jsonMinimal));
    const ratio = jsonPodium.rps / jsonMinimal.rps;
    const met = ratio >= JSON_TARGET.ratio && jsonPodium.p99 <= JSON_TARGET.p99;
    console.log(`\nPodium / minimal throughput: ${ratio.toFixed(2)}×, Podium p99 ${jsonPodium.p99} ms `
      + `(target ≥ ${JSON_TARGET.ratio}× and p99 ≤ ${JSON_TARGET.p99} ms: ${met ? 'met' : 'NOT met'})`);

    console.log(`\nHTML standings page, 100 entries × 20 event columns, GET /leaderboards/:id (its first page of 100)`);
    console.log('\n| server | requests/s | p50 | p99 | errors / non-2xx |');
    console.log('|---|---|---|---|---|');
    if (pagePodium) console.log(row('Podium page', pagePodium));
    console.log(row('minimal node:http + pg, rendered per request', pageMinimal));
    if (pagePodium) console.log(`\nPodium / minimal throughput: ${(pagePodium.rps / pageMinimal.rps).toFixed(2)}×`);
    else console.log(`\nPodium page skipped: ${pagePath.replace(String(season.leaderboardId), ':id')} answered 404 (the public pages are not merged yet); the baseline is above.`);

    console.log('\nExports of a 25,000-entry board (20 events × 10 categories × 2 500 riders), one download after a warm-up');
    console.log('\n| export | time | size | RSS before → peak (this process: app + client) |');
    console.log('|---|---|---|---|');
    for (const [name, r] of exports) console.log(`| ${name} | ${r.ms.toFixed(0)} ms | ${mb(r.bytes)} | ${mb(r.rssBefore)} → ${mb(r.rssPeak)} |`);
  } finally {
    for (const child of baselines) await stop(child);
    await app.close();
    await destroySandbox(sandbox);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
