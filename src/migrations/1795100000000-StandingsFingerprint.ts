import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fingerprint of each standings row's values (a hash of everything the row holds, breakdown
 * included), written by the recalculation so that "did this entry change" is one comparison
 * rather than a comparison of every column and the jsonb breakdown. NULL on race rows and on
 * standings rows written before it existed (those are compared value by value, then stamped).
 */
export class StandingsFingerprint1795100000000 implements MigrationInterface {
  name = 'StandingsFingerprint1795100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE race_result ADD COLUMN fingerprint text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE race_result DROP COLUMN IF EXISTS fingerprint`);
  }
}
