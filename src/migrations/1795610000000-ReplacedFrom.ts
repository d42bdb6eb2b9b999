import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The state a set was in when it became REPLACED. A REPLACED set is public only if it was
 * published (PROVISIONAL or APPROVED) then: one replaced while DELETED, or while it was a
 * never-published draft, must stay hidden (DESIGN.md: DRAFT, DELETED and never-published
 * sets are never public). Sets replaced before this column existed have NULL: not known,
 * so not public.
 */
export class ReplacedFrom1795610000000 implements MigrationInterface {
  name = 'ReplacedFrom1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set ADD COLUMN replaced_from char(1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE result_set DROP COLUMN replaced_from`);
  }
}
