import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run row can end without its own job running: BullMQ keeps one follow-up job per board, so a
 * later change may take the place of a promised one. A run of the board that started after the
 * row was queued read everything committed by then and so served it; `served_by` names that
 * run's job. The partial index finds a board's open rows when a run ends, and the sweeper's.
 */
export class RunServedBy1795700000000 implements MigrationInterface {
  name = 'RunServedBy1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE recalc_run ADD COLUMN served_by text`);
    await q.query(`CREATE INDEX recalc_run_open_idx ON recalc_run (leaderboard_id) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX recalc_run_open_idx`);
    await q.query(`ALTER TABLE recalc_run DROP COLUMN served_by`);
  }
}
