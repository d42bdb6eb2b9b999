/**
 * Breakdown storage benchmark (issue 16, target 4): what writing a first run's 25 000
 * breakdowns costs in PostgreSQL by the column's type, and what reading a page of them back
 * costs. Run with `npm run bench:breakdown-storage` (compiled, like bench:recalculation).
 *
 * A 40-event board (1 category × 2 500 riders, the entry shape of the 1M series) is seeded and
 * recalculated once; its 2 500 breakdowns, as text, are repeated ten times to make 25 000 rows,
 * which are then COPYed (text format, as the writer sends them) into a table whose breakdown
 * column is jsonb, json or text, compressed with pglz (PostgreSQL's default) or lz4, and then INSERTed from that staging table into a table of the
 * same type, as the writer's INSERT_STAGED does. Reads: a 100-entry page (the standings JSON
 * endpoint's query) and the export's jsonb_path_query_array over all 25 000 rows.
 */
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { createPodiumApp } from '../src/bootstrap';
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
      `SELECT r.breakdown::text AS b FROM race_result r JOIN result_set s ON s.id = r.result_set_id WHERE s.leaderboard_id = $1 AND r.group_key IS NOT NULL`,
      [board.leaderboardId],
    );
    // As the writer sends them: JSON.stringify's compact text, backslashes escaped for COPY. The
    // jsonb text lists keys in jsonb's order, as the calculators now build them (LineMaker.line);
    // `jsOrder` rebuilds each line in the order they had before (issue 16, target 4, round four).
    const jsOrder = (b: { counted: Record<string, unknown>[]; dropped: Record<string, unknown>[]; tieBreak: unknown }) => {
      const line = ({ eventId, eventName, date, category, place, status, points, riders, reason }: Record<string, unknown>) =>
        ({ eventId, eventName, date, category, place, status, points, riders, reason });
      return { counted: b.counted.map(line), dropped: b.dropped.map(line), tieBreak: b.tieBreak };
    };
    const toCopy = (texts: string[]) => Array.from({ length: 25_000 }, (_, i) => `${i}\t${texts[i % texts.length].replace(/\\/g, '\\\\')}\n`).join('');
    const copyText = toCopy(rows.map((r) => JSON.stringify(JSON.parse(r.b))));
    const copyTextJsOrder = toCopy(rows.map((r) => JSON.stringify(jsOrder(JSON.parse(r.b)))));
    if (copyTextJsOrder.length !== copyText.length) throw new Error('the two key orders should be the same text, reordered');
    console.log(`\n25 000 breakdowns of ${(copyText.length / 25_000 / 1024).toFixed(1)} KB on average (${(copyText.length / 2 ** 20).toFixed(0)} MB of COPY text)\n`);
    // The keys' order, alternately (5 times each): COPY into a jsonb lz4 table, as the writer's staging table is.
    const orders = { js: [] as number[], jsonb: [] as number[] };
    for (let i = 0; i < 5; i++) {
      for (const order of ['js', 'jsonb'] as const) {
        await db.query(`DROP TABLE IF EXISTS bench_staged`);
        await db.query(`CREATE TABLE bench_staged (seq int, breakdown jsonb COMPRESSION lz4)`);
        orders[order].push(await timed(() => pipeline(Readable.from([order === 'js' ? copyTextJsOrder : copyText]), db.query(copyFrom('COPY bench_staged FROM STDIN')))));
      }
    }
    console.log(`COPY into jsonb (lz4), medians of 5 alternate runs: keys in JS's order (the writer before round four) ${median(orders.js).toFixed(0)} ms ` +
      `(${orders.js.map((ms) => ms.toFixed(0)).join(', ')}), keys in jsonb's order (now) ${median(orders.jsonb).toFixed(0)} ms (${orders.jsonb.map((ms) => ms.toFixed(0)).join(', ')})\n`);
    console.log('| breakdown column, TOAST compression | COPY into staging (median of 3) | INSERT … SELECT into the table (median of 3) | table size | page of 100 (median of 20) | export path query, 25 000 rows (median of 3) |');
    console.log('|---|---|---|---|---|---|');
    const variants: [string, string][] = [['jsonb', 'pglz'], ['jsonb', 'lz4'], ['json', 'lz4'], ['text', 'pglz'], ['text', 'lz4']];
    for (const [type, compression] of variants) {
      const copies: number[] = [];
      const inserts: number[] = [];
      for (let i = 0; i < 3; i++) {
        await db.query(`DROP TABLE IF EXISTS bench_staged, bench_rows`);
        await db.query(`CREATE TABLE bench_staged (seq int, breakdown ${type} COMPRESSION ${compression})`);
        await db.query(`CREATE TABLE bench_rows (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq int, breakdown ${type} COMPRESSION ${compression})`);
        copies.push(await timed(() => pipeline(Readable.from([copyText]), db.query(copyFrom('COPY bench_staged FROM STDIN')))));
        inserts.push(await timed(() => db.query('INSERT INTO bench_rows (seq, breakdown) SELECT seq, breakdown FROM bench_staged')));
      }
      const [{ size }] = (await db.query(`SELECT pg_size_pretty(pg_total_relation_size('bench_rows')) AS size`)).rows;
      await db.query('ANALYZE bench_rows');
      const pages: number[] = [];
      for (let i = 0; i < 20; i++) pages.push(await timed(() => db.query('SELECT seq, breakdown FROM bench_rows WHERE seq BETWEEN $1 AND $1 + 99 ORDER BY seq', [i * 1000])));
      const cast = type === 'jsonb' ? 'breakdown' : 'breakdown::jsonb';
      const exports: number[] = [];
      for (let i = 0; i < 3; i++) exports.push(await timed(() => db.query(`SELECT seq, jsonb_path_query_array(${cast}, '$.counted[*].points') FROM bench_rows`)));
      console.log(`| ${type}, ${compression} | ${median(copies).toFixed(0)} ms | ${median(inserts).toFixed(0)} ms | ${size} | ${median(pages).toFixed(1)} ms | ${median(exports).toFixed(0)} ms |`);
    }
    await db.query(`DROP TABLE IF EXISTS bench_staged, bench_rows`);
  } finally {
    await db.end().catch(() => undefined);
    await app.close();
    await destroySandbox(sandbox);
  }
}

runBench(main);
