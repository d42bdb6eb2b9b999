import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Redress per result (issue 15, RRS A9): an RDG row may carry the protest committee's redress,
 * `{ "points": 3.5 }`, `{ "events": [ids] }` or `{ "average": true }`, as jsonb (its shape is the
 * API's and the calculators' ResultRedress; the CHECK keeps it to RDG rows, the only ones it
 * means anything on). The partial index lets a recalculation find a board's redress rows
 * without reading its other rows: on a board without any, it is an empty index probe.
 */
export class ResultRedress1796210000000 implements MigrationInterface {
  name = 'ResultRedress1796210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE race_result ADD COLUMN redress jsonb`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_redress_rdg_ck
                     CHECK (redress IS NULL OR (status = 'RDG' AND jsonb_typeof(redress) = 'object'))`);
    await q.query(`CREATE INDEX race_result_redress_idx ON race_result (result_set_id) WHERE redress IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX race_result_redress_idx`);
    await q.query(`ALTER TABLE race_result DROP COLUMN redress`);
  }
}
