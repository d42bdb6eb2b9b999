import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public pages show times (when standings were updated) in the series' own zone. Existing
 * series get Europe/London, the default of DEFAULT_TIME_ZONE; new ones get the setting's value.
 */
export class SeriesTimeZone1795800000000 implements MigrationInterface {
  name = 'SeriesTimeZone1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE series ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/London' CHECK (length(time_zone) BETWEEN 1 AND 64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE series DROP COLUMN time_zone`);
  }
}
