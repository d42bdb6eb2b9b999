import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a worker needs to keep a board's state between runs and check it (issue 16, target 3).
 *
 * result_set.packed_sha256: the SHA-256 of the set's cached race pack, kept by PostgreSQL itself
 * (a stored generated column), so it is NULL exactly when the pack is and can never describe
 * other bytes than the pack's. A worker keeps the races it decoded keyed by it (RacePackMemo):
 * after an edit it reads only the races whose digest it does not hold. It is computed when a
 * pack is cached (once per change of the set's rows), not on reads.
 *
 * result_set.standings_fingerprints_token replaces standings_fingerprints (the set's rows'
 * fingerprints as one JSON text, rewritten whole by every run that changed a row: 1.5 MB for a
 * 25,000-entry board, about 20 ms of UPDATE). A run that changes the rows draws a new random
 * token; a worker keeps the fingerprints it wrote with that token (FingerprintMemo) and uses
 * them only while the set still has it. A token is never drawn twice, so a rolled-back run, a
 * restart or another worker's run cannot make kept fingerprints look current. Without a match
 * the writer reads the rows' own fingerprints. The old text is dropped rather than left to go
 * stale; `down` restores the column empty, which the earlier writer reads as "not known".
 */
export class IncrementalRuns1796230000000 implements MigrationInterface {
  name = 'IncrementalRuns1796230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set ADD COLUMN packed_sha256 bytea GENERATED ALWAYS AS (sha256(packed_results)) STORED`);
    await q.query(`ALTER TABLE result_set DROP COLUMN standings_fingerprints, ADD COLUMN standings_fingerprints_token uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set DROP COLUMN standings_fingerprints_token, ADD COLUMN standings_fingerprints text`);
    await q.query(`ALTER TABLE result_set ALTER COLUMN standings_fingerprints SET STORAGE EXTERNAL`);
    await q.query(`ALTER TABLE result_set DROP COLUMN packed_sha256`);
  }
}
