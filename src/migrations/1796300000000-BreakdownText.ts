import { MigrationInterface, QueryRunner } from 'typeorm';
import { compact, expand } from '../calculators/breakdown-form';
import type { Breakdown } from '../calculators/types';

/** Rows converted per statement: a batch's breakdowns (a few KB each) are all Node holds at once. */
const BATCH = 2_000;

/**
 * Standings breakdowns stored as compact text instead of jsonb (issue 16, target 4: a board's
 * first run). A first run of a 25,000-entry board writes about 112 MB of breakdown JSON, and
 * PostgreSQL parsing it into jsonb was the largest part of that run (the staging COPY, 4.1 of 8 s
 * in round four's profile, BENCHMARKS.md). No query needs the breakdown as jsonb: every reader
 * parses it in Node, from the compact form of src/calculators/breakdown-form.ts (tuples, not
 * objects with their keys on every line), which expands to the object jsonb gave, keys in
 * jsonb's order: the API's, pages' and exports' answers are unchanged.
 *
 * The column keeps lz4 where the server has it (as migration BreakdownLz4 set it). Each way, a
 * new column is filled in batches of BATCH rows by id, each converted in Node by the shared
 * module, then takes the old one's place: memory stays one batch for any table size, and race
 * rows (NULL breakdowns, most of the table) are neither converted nor rewritten. Updating
 * standings rows fires race_result_updated, which only clears packs of race sets: none here.
 */
export class BreakdownText1796300000000 implements MigrationInterface {
  name = 'BreakdownText1796300000000';

  /** Rows per batch (tests lower it to take several batches). */
  constructor(private readonly batch = BATCH) {}

  async up(q: QueryRunner): Promise<void> {
    await this.convert(q, 'text', (value) => compact(value as Breakdown));
  }

  async down(q: QueryRunner): Promise<void> {
    // JSON text of the expanded object: PostgreSQL parses it into jsonb as the writer's JSON was.
    await this.convert(q, 'jsonb', (value) => JSON.stringify(expand(value as string)));
  }

  /** Replaces race_result.breakdown by a column of `type`, each value `convert`ed from the old one (as node-pg reads it). */
  private async convert(q: QueryRunner, type: 'text' | 'jsonb', convert: (value: unknown) => string): Promise<void> {
    const [{ lz4 }]: { lz4: boolean }[] = await q.query(
      `SELECT coalesce(bool_or('lz4' = ANY(enumvals)), false) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
    await q.query(`ALTER TABLE race_result ADD COLUMN breakdown_converted ${type}${lz4 ? ' COMPRESSION lz4' : ''}`);
    for (let after = 0; ;) {
      const rows: { id: number; breakdown: unknown }[] = await q.query(
        `SELECT id, breakdown FROM race_result WHERE id > $1 AND breakdown IS NOT NULL ORDER BY id LIMIT $2`, [after, this.batch]);
      if (rows.length === 0) break;
      await q.query(
        // The old value is cleared in the same update: a new row version would otherwise still
        // point at its TOAST data after the column is dropped, kept until the row is next written.
        `UPDATE race_result r SET breakdown_converted = v.value::${type}, breakdown = NULL
           FROM unnest($1::int[], $2::text[]) AS v(id, value) WHERE r.id = v.id`,
        [rows.map((r) => r.id), rows.map((r) => convert(r.breakdown))]);
      after = rows[rows.length - 1].id;
    }
    await q.query(`ALTER TABLE race_result DROP COLUMN breakdown`);
    await q.query(`ALTER TABLE race_result RENAME COLUMN breakdown_converted TO breakdown`);
  }
}
