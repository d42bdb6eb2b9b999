/**
 * Breakdown storage benchmark (issue 16, target 4): what writing a first run's 25 000
 * breakdowns costs in PostgreSQL by the column's type and the stored form, and what reading them
 * back costs, Node's parse included. Run with `npm run bench:breakdown-storage` (compiled, like
 * bench:recalculation).
 *
 * A 40-event board (1 category × 2 500 riders, the entry shape of the 1M series) is seeded and
 * recalculated once; its 2 500 breakdowns are repeated ten times to make 25 000 rows, which are
 * then COPYed (text format, as the writer sends them) into a staging table and INSERTed from it
 * into a table of the same type, as the writer's INSERT_STAGED does. Compared: jsonb (lz4) of the
 * breakdown object's JSON (the stored form before migration BreakdownText), text (lz4) of the
 * same JSON, and text (lz4) of the compact form (breakdown-form.ts; what is stored now). Reads:
 * a 100-entry page (the standings endpoint's query, then each breakdown as the object the API
 * answers: node-pg's parse of jsonb, or expand() of the text) and the export's read of all
 * 25 000 rows (jsonb_path_query_array in SQL for jsonb, as the export did; breakdownCells in
 * Node for the compact text, as it does now).
 */
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { createPodiumApp } from '../src/bootstrap';
import { breakdownCells, compact, expand } from '../src/calculators/breakdown-form';
import { loadConfig } from '../src/config/config';
import { RecalculationRunner } from '../src/leaderboards/recalculation/recalculation-runner';
import { destroySandbox, newSandbox } from '../test/support/sandbox';
import { seedSeason } from './seed';
import { machineLine, runBench } from './run';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const sandbox = newSandbox({ APP_ROLE: 'api', LOG_LEVEL: 'silent' });
  const app = await createPodiumApp(loadConfig(sandbox.env), { bufferLogs: false });
  await app.init();
  const db = new Client({ connectionString: sandbox.databaseUrl });
  try {
    const ds = app.get(DataSource);
    const board = await seedSeason(ds, { events: 40, categories: 1, riders: 2_500 });
    const outcome = await app.get(RecalculationRunner).run({ jobId: 'breakdowns', leaderboardId: board.leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1 });
    if (outcome.kind !== 'completed') throw new Error(`run ${outcome.kind}`);
    await db.connect();
    const { rows } = await db.query<{ b: string }>(
      `SELECT r.breakdown AS b FROM race_result r JOIN result_set s ON s.id = r.result_set_id WHERE s.leaderboard_id = $1 AND r.group_key IS NOT NULL`,
      [board.leaderboardId],
    );
    // As the writer sends them, backslashes escaped for COPY: the object's JSON (keys in jsonb's
    // order, as the calculators built them for jsonb) and the compact form the writer sends now.
    const toCopy = (texts: string[]) => Array.from({ length: 25_000 }, (_, i) => `${i}\t${texts[i % texts.length].replace(/\\/g, '\\\\')}\n`).join('');
    const objectText = toCopy(rows.map((r) => JSON.stringify(expand(r.b))));
    const compactText = toCopy(rows.map((r) => compact(expand(r.b))));
    if (compactText !== toCopy(rows.map((r) => r.b))) throw new Error('the stored text should be compact() of its expansion');
    const mb = (text: string) => `${(text.length / 2 ** 20).toFixed(0)} MB`;
    console.log(`\n25 000 breakdowns: ${mb(objectText)} of COPY text as objects' JSON (${(objectText.length / 25_000 / 1024).toFixed(1)} KB each), ` +
      `${mb(compactText)} in the compact form (${(compactText.length / 25_000 / 1024).toFixed(1)} KB each)\n`);
    console.log('| breakdown column (lz4), form | COPY into staging (median of 3) | INSERT … SELECT into the table (median of 3) | table size | page of 100, objects in Node (median of 20) | export read of 25 000 rows, cells in Node (median of 3) |');
    console.log('|---|---|---|---|---|---|');
    const variants: [string, 'jsonb' | 'text', string][] = [['jsonb, objects (before)', 'jsonb', objectText], ['text, objects', 'text', objectText], ['text, compact (now)', 'text', compactText]];
    for (let round = 0; round < 2; round++) {
      for (const [label, type, text] of variants) {
        const copies: number[] = [];
        const inserts: number[] = [];
        for (let i = 0; i < 3; i++) {
          await db.query(`DROP TABLE IF EXISTS bench_staged, bench_rows`);
          await db.query(`CREATE TABLE bench_staged (seq int, breakdown ${type} COMPRESSION lz4)`);
          await db.query(`CREATE TABLE bench_rows (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq int, breakdown ${type} COMPRESSION lz4)`);
          copies.push(await timed(() => pipeline(Readable.from([text]), db.query(copyFrom('COPY bench_staged FROM STDIN')))));
          inserts.push(await timed(() => db.query('INSERT INTO bench_rows (seq, breakdown) SELECT seq, breakdown FROM bench_staged')));
        }
        const [{ size }] = (await db.query(`SELECT pg_size_pretty(pg_total_relation_size('bench_rows')) AS size`)).rows;
        await db.query('ANALYZE bench_rows');
        const objects = type === 'jsonb' ? (b: unknown) => b : (b: unknown) => (text === compactText ? expand(b as string) : JSON.parse(b as string));
        const pages: number[] = [];
        for (let i = 0; i < 20; i++) {
          pages.push(await timed(async () => (await db.query('SELECT seq, breakdown FROM bench_rows WHERE seq BETWEEN $1 AND $1 + 99 ORDER BY seq', [i * 1000])).rows.map((r) => objects(r.breakdown))));
        }
        const exports: number[] = [];
        for (let i = 0; i < 3; i++) {
          exports.push(await timed(async () => {
            if (type === 'jsonb') {
              const paths = ['counted[*].eventId', 'counted[*].status', 'counted[*].points', 'dropped[*].eventId', 'dropped[*].status', 'dropped[*].points'];
              return db.query(`SELECT seq, ${paths.map((p) => `jsonb_path_query_array(breakdown, '$.${p}')`).join(', ')} FROM bench_rows`);
            }
            const { rows: all } = await db.query('SELECT seq, breakdown FROM bench_rows');
            return all.map((r) => (text === compactText ? breakdownCells(r.breakdown) : JSON.parse(r.breakdown)));
          }));
        }
        console.log(`| ${label} | ${median(copies).toFixed(0)} ms | ${median(inserts).toFixed(0)} ms | ${size} | ${median(pages).toFixed(1)} ms | ${median(exports).toFixed(0)} ms |`);
      }
    }
    await db.query(`DROP TABLE IF EXISTS bench_staged, bench_rows`);
  } finally {
    await db.end().catch(() => undefined);
    await app.close();
    await destroySandbox(sandbox);
  }
}

runBench(main);
