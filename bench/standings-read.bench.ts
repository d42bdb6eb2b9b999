/**
 * Standings read benchmark (issue 4): latency p50/p99 and throughput of
 * GET /api/leaderboards/:id/standings?limit=100 under load from a second process (autocannon),
 * beside a minimal node:http + pg server serving the same page from the same rows.
 * Run with `npm run bench:read`.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createPodiumApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { RecalculationRunner } from '../src/leaderboards/recalculation/recalculation-runner';
import { destroySandbox, newSandbox } from '../test/support/sandbox';
import { seedSeason } from './seed';

const CONNECTIONS = 20;
const SECONDS = 10;

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

async function startMinimal(databaseUrl: string, resultSetId: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(__dirname, 'minimal-standings-server.js'), databaseUrl, String(resultSetId)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = await once(child.stdout!, 'data');
  return { child, port: Number(String(chunk).trim()) };
}

async function main(): Promise<void> {
  const sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const app = await createPodiumApp(loadConfig(sandbox.env), { bufferLogs: false });
  await app.listen(0, '127.0.0.1');
  let minimal: ChildProcess | undefined;
  try {
    const db = app.get(DataSource);
    const board = await seedSeason(db, { events: 20, categories: 10, riders: 300 });
    const outcome = await app.get(RecalculationRunner).run({
      jobId: 'bench-read', leaderboardId: board.leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
    });
    if (outcome.kind !== 'completed') throw new Error('recalculation failed');
    const resultSetId = outcome.write!.resultSetId;
    const podiumPort = (app.getHttpServer().address() as AddressInfo).port;
    const started = await startMinimal(sandbox.databaseUrl, resultSetId);
    minimal = started.child;

    const path = `/api/leaderboards/${board.leaderboardId}/standings?limit=100`;
    await load(`http://127.0.0.1:${podiumPort}${path}`); // warm-up
    const podium = await load(`http://127.0.0.1:${podiumPort}${path}`);
    const baseline = await load(`http://127.0.0.1:${started.port}${path}`);

    console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; autocannon -c ${CONNECTIONS} -d ${SECONDS} from a second process`);
    console.log('\n| server | requests/s | p50 | p99 | errors / non-2xx |');
    console.log('|---|---|---|---|---|');
    console.log(`| Podium (NestJS, auth guard, validation, ETag) | ${podium.rps.toFixed(0)} | ${podium.p50} ms | ${podium.p99} ms | ${podium.errors} / ${podium.non2xx} |`);
    console.log(`| minimal node:http + pg | ${baseline.rps.toFixed(0)} | ${baseline.p50} ms | ${baseline.p99} ms | ${baseline.errors} / ${baseline.non2xx} |`);
    console.log(`\nPodium / minimal throughput: ${(podium.rps / baseline.rps).toFixed(2)}×`);
  } finally {
    if (minimal && minimal.exitCode === null) {
      minimal.kill('SIGTERM');
      await once(minimal, 'exit');
    }
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
