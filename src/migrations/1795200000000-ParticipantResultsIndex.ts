import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rider matching by name within a school or club (imports and the results API) looks up a
 * namesake's earlier race rows by participant; without this index that is a scan per row.
 */
export class ParticipantResultsIndex1795200000000 implements MigrationInterface {
  name = 'ParticipantResultsIndex1795200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX race_result_participant_idx ON race_result (participant_id) WHERE participant_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX race_result_participant_idx`);
  }
}
