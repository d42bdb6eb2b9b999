import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accent-insensitive search of lists (`GET /api/series?q=`): `unaccent` ships with PostgreSQL's
 * contrib and is a trusted extension, so the database owner may create it.
 */
export class SearchFolding1795910000000 implements MigrationInterface {
  name = 'SearchFolding1795910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS unaccent');
  }

  /** Left installed: other searches (riders) may use it too, and it holds no data of ours. */
  async down(): Promise<void> {}
}
