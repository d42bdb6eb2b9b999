import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fingerprints of a standings set's rows, by group_key, kept on the set itself (a JSON
 * array of [key, fingerprint] pairs) and written in the same transaction as the rows. A run
 * reads one value instead of scanning every row of the set, which after an update of many
 * rows also meant visiting their dead versions. NULL: not known (sets written before this,
 * and race sets); the writer then reads the rows' own fingerprints.
 */
export class StandingsFingerprintSet1795500000000 implements MigrationInterface {
  name = 'StandingsFingerprintSet1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set ADD COLUMN standings_fingerprints text`);
    // Read whole on every run: not worth compressing.
    await q.query(`ALTER TABLE result_set ALTER COLUMN standings_fingerprints SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set DROP COLUMN standings_fingerprints`);
  }
}
