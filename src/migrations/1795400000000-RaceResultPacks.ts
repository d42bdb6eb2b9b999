import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A race's results, packed (the format and its SQL: src/calculators/packed-format.ts), cached on
 * its result set: a recalculation reads a few hundred of these instead of packing a million
 * rows again. The cache can never be stale: every statement that writes race_result rows, by
 * whatever path (the API, imports, revisions, SQL by hand), clears the packs of the sets it
 * touched in the same transaction, and packs are made and stored in SQL by one statement before
 * a run (RacePacksRepository.cacheMissing), skipping sets a writer holds. (`results_rev`, added
 * here for packs once stored back after a run, is dropped by migration DropResultsRev.)
 *
 * Statement-level triggers with transition tables: one trigger call per statement, not per
 * row, so a 50 000-row import pays once per batch.
 */
export class RaceResultPacks1795400000000 implements MigrationInterface {
  name = 'RaceResultPacks1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set ADD COLUMN results_rev bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE result_set ADD COLUMN packed_results bytea`);
    // Packed integers hardly compress, and reading them back must not pay for decompression.
    await q.query(`ALTER TABLE result_set ALTER COLUMN packed_results SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE FUNCTION race_result_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE result_set s SET results_rev = s.results_rev + 1, packed_results = NULL
         WHERE s.id IN (SELECT result_set_id FROM changed_rows) AND s.event_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION race_result_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE result_set s SET results_rev = s.results_rev + 1, packed_results = NULL
         WHERE (s.id IN (SELECT result_set_id FROM changed_rows) OR s.id IN (SELECT result_set_id FROM previous_rows))
           AND s.event_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION race_result_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE result_set SET results_rev = results_rev + 1, packed_results = NULL WHERE event_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER race_result_inserted AFTER INSERT ON race_result REFERENCING NEW TABLE AS changed_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION race_result_changed()`);
    await q.query(`CREATE TRIGGER race_result_deleted AFTER DELETE ON race_result REFERENCING OLD TABLE AS changed_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION race_result_changed()`);
    await q.query(`CREATE TRIGGER race_result_updated AFTER UPDATE ON race_result REFERENCING NEW TABLE AS changed_rows OLD TABLE AS previous_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION race_result_moved()`);
    await q.query(`CREATE TRIGGER race_result_truncated AFTER TRUNCATE ON race_result
                   FOR EACH STATEMENT EXECUTE FUNCTION race_result_truncated()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const trigger of ['race_result_inserted', 'race_result_deleted', 'race_result_updated', 'race_result_truncated']) {
      await q.query(`DROP TRIGGER ${trigger} ON race_result`);
    }
    await q.query(`DROP FUNCTION race_result_changed(), race_result_moved(), race_result_truncated()`);
    await q.query(`ALTER TABLE result_set DROP COLUMN packed_results, DROP COLUMN results_rev`);
  }
}
