import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops result_set.results_rev, which the RaceResultPacks triggers bumped and no code reads:
 * packs are no longer stored back after a run, so there is no "rev it was read at" to compare.
 * They are packed and cached in SQL in one statement (RacePacksRepository.cacheMissing, before a
 * run's transaction), from the rows that statement sees, under the set's row lock and skipping
 * sets a writer holds; a writer whose statement ends after that clears the pack again (the
 * triggers below). Clearing the pack is all a trigger has to do.
 */
export class DropResultsRev1795720000000 implements MigrationInterface {
  name = 'DropResultsRev1795720000000';

  async up(q: QueryRunner): Promise<void> {
    await this.defineTriggerFunctions(q, 'packed_results = NULL');
    await q.query(`ALTER TABLE result_set DROP COLUMN results_rev`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set ADD COLUMN results_rev bigint NOT NULL DEFAULT 0`);
    await this.defineTriggerFunctions(q, 'results_rev = results_rev + 1, packed_results = NULL');
  }

  /** The RaceResultPacks trigger functions, each setting `set` on the result sets whose rows changed. */
  private async defineTriggerFunctions(q: QueryRunner, set: string): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION race_result_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE result_set SET ${set}
         WHERE id IN (SELECT result_set_id FROM changed_rows) AND event_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION race_result_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE result_set SET ${set}
         WHERE (id IN (SELECT result_set_id FROM changed_rows) OR id IN (SELECT result_set_id FROM previous_rows))
           AND event_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION race_result_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE result_set SET ${set} WHERE event_id IS NOT NULL;
        RETURN NULL;
      END $$`);
  }
}
