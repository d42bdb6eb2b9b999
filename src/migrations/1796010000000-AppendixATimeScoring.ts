import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, series rules and time-based scoring:
 * - points scales of kind TIME (total elapsed time) and PERCENT_OF_WINNER (their settings are
 *   in the scale's JSON config, which needs no column);
 * - a board's discard schedule by races completed (RRS A2.1), e.g. {4,8}; empty means none;
 * - race packs gain a time slot (calculators/packed-format.ts, 8 int32 per result): packs made
 *   in the old 7-int format are cleared, to be made again before the next run.
 */
export class AppendixATimeScoring1796010000000 implements MigrationInterface {
  name = 'AppendixATimeScoring1796010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE points_scale DROP CONSTRAINT points_scale_kind_check`);
    await q.query(`ALTER TABLE points_scale ADD CONSTRAINT points_scale_kind_check
                   CHECK (kind IN ('TABLE', 'LINEAR', 'FIELD_SIZE', 'PERCENT_OF_FIELD', 'TIME', 'PERCENT_OF_WINNER'))`);
    await q.query(`ALTER TABLE leaderboard ADD COLUMN discard_schedule integer[] NOT NULL DEFAULT '{}'
                   CHECK (cardinality(discard_schedule) <= 50 AND 0 < ALL (discard_schedule))`);
    await q.query(`UPDATE result_set SET packed_results = NULL WHERE packed_results IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE result_set SET packed_results = NULL WHERE packed_results IS NOT NULL`);
    await q.query(`ALTER TABLE leaderboard DROP COLUMN discard_schedule`);
    await q.query(`ALTER TABLE points_scale DROP CONSTRAINT points_scale_kind_check`);
    await q.query(`ALTER TABLE points_scale ADD CONSTRAINT points_scale_kind_check
                   CHECK (kind IN ('TABLE', 'LINEAR', 'FIELD_SIZE', 'PERCENT_OF_FIELD'))`);
  }
}
