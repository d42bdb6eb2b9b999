import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standings breakdowns are compressed with lz4 instead of pglz (PostgreSQL's default) when the
 * server has lz4 (PostgreSQL 14+ built with it; skipped otherwise). A first run of a 25 000-entry
 * board writes about 110 MB of breakdowns; with lz4 their COPY into the staging table took a
 * third to a half less time than with pglz (`npm run bench:breakdown-storage`, BENCHMARKS.md;
 * reads were faster in one run and slower in another, on a loaded machine). Values already stored stay as they are:
 * each value records its own method. The writer also compresses its staging table with lz4
 * (StandingsRowsRepository): a compressed value is copied as it is from there, so the method
 * of the staging table is the one the rows keep.
 */
export class BreakdownLz41796100000000 implements MigrationInterface {
  name = 'BreakdownLz41796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
          ALTER TABLE race_result ALTER COLUMN breakdown SET COMPRESSION lz4;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE race_result ALTER COLUMN breakdown SET COMPRESSION default`);
  }
}
