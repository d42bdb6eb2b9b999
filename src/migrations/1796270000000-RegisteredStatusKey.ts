import { MigrationInterface, QueryRunner } from 'typeorm';

/** The built-in status codes (StatusCodeRegistry's BUILT_IN): rows of status_code with built_in, numbers 0–16. */
const BUILT_IN = ['FIN', 'DNF', 'DNS', 'DSQ', 'DNC', 'OCS', 'ZFP', 'UFD', 'BFD', 'SCP', 'NSC', 'RET', 'RAF', 'DNE', 'DGM', 'DPI', 'RDG'];
const LIST = BUILT_IN.map((c) => `'${c}'`).join(', ');

/**
 * Foreign-key check only for organiser-defined status codes (issue 16, target 5: imports).
 *
 * race_result.status referred to status_code(code) (StatusCodeRegistry), so PostgreSQL ran one
 * foreign-key check per inserted row: 5,000 lookups in status_code for a 5,000-row import batch,
 * 18–45 ms of a 240–490 ms batch (EXPLAIN ANALYZE, BENCHMARKS.md), almost always for FIN or DNF.
 *
 * Integrity is kept exactly ("a result's status is a row of status_code; a code in use cannot be
 * deleted"), split in two:
 * - An organiser-defined code: the stored generated column registered_status is the status when
 *   it is not built-in, else NULL, and it carries the foreign key. So such a status must exist in
 *   status_code when written, is locked against a concurrent delete as before, and a code in use
 *   cannot be deleted (the delete's check finds it through race_result_registered_status_idx,
 *   now on that column: the same rows as the old partial index on status).
 * - A built-in code: always a row of status_code, because this migration checks that every code
 *   of the list is there as built-in, and the trigger status_code_built_in_kept refuses to delete
 *   a built-in row or change its code or built_in flag. TRUNCATE of status_code is still refused
 *   by the foreign key (or, with CASCADE, empties race_result too). A NULL key is not checked:
 *   the built-ins cost nothing per row.
 * A built-in code added later that is missing from this list is not wrong, only checked per row
 * like an organiser's; a code on this list is never anything but a built-in row.
 *
 * The column addition rewrites race_result once (ACCESS EXCLUSIVE for its duration).
 */
export class RegisteredStatusKey1796270000000 implements MigrationInterface {
  name = 'RegisteredStatusKey1796270000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ present }]: { present: number }[] = await q.query(
      `SELECT count(*)::int AS present FROM status_code WHERE built_in AND code = ANY ($1::text[])`, [BUILT_IN]);
    if (present !== BUILT_IN.length) throw new Error(`status_code holds ${present} of the ${BUILT_IN.length} built-in codes as built-in; cannot rely on them`);
    await q.query(`
      CREATE FUNCTION status_code_built_in_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW.code IS DISTINCT FROM OLD.code OR NEW.built_in IS DISTINCT FROM OLD.built_in THEN
          RAISE EXCEPTION 'built-in status code % cannot be deleted or renamed', OLD.code USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(`
      CREATE TRIGGER status_code_built_in_kept BEFORE DELETE OR UPDATE ON status_code
        FOR EACH ROW WHEN (OLD.built_in) EXECUTE FUNCTION status_code_built_in_kept()`);
    await q.query(`
      ALTER TABLE race_result
        ADD COLUMN registered_status text GENERATED ALWAYS AS (CASE WHEN status IN (${LIST}) THEN NULL ELSE status END) STORED`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_registered_status_fk FOREIGN KEY (registered_status) REFERENCES status_code (code)`);
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_status_fk`);
    await q.query(`DROP INDEX race_result_registered_status_idx`);
    await q.query(`CREATE INDEX race_result_registered_status_idx ON race_result (registered_status) WHERE registered_status IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX race_result_registered_status_idx`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_status_fk FOREIGN KEY (status) REFERENCES status_code (code)`);
    await q.query(`ALTER TABLE race_result DROP COLUMN registered_status`);
    await q.query(`CREATE INDEX race_result_registered_status_idx ON race_result (status) WHERE status NOT IN (${LIST})`);
    await q.query(`DROP TRIGGER status_code_built_in_kept ON status_code`);
    await q.query(`DROP FUNCTION status_code_built_in_kept()`);
  }
}
