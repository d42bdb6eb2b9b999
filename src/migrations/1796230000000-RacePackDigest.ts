import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * result_set.packed_sha256: the SHA-256 of the set's cached race pack, kept by PostgreSQL itself
 * (a stored generated column), so it is NULL exactly when the pack is and can never describe
 * other bytes than the pack's. A worker keeps the races it decoded between runs keyed by this
 * digest (RacePackMemo): after an edit it reads only the races whose digest it does not hold.
 * It is computed when a pack is cached (once per change of the set's rows), not on reads.
 */
export class RacePackDigest1796230000000 implements MigrationInterface {
  name = 'RacePackDigest1796230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set ADD COLUMN packed_sha256 bytea GENERATED ALWAYS AS (sha256(packed_results)) STORED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set DROP COLUMN packed_sha256`);
  }
}
