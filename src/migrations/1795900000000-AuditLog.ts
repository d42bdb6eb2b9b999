import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who changed what, when and why: one row per change, written in the change's own transaction.
 * `changes` holds only the fields that changed (before/after), never whole result sets.
 */
export class AuditLog1795900000000 implements MigrationInterface {
  name = 'AuditLog1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
        action text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
        entity text NOT NULL CHECK (length(entity) BETWEEN 1 AND 50),
        entity_id text NOT NULL CHECK (length(entity_id) BETWEEN 1 AND 100),
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        reason text CHECK (length(reason) <= 500),
        request_id text CHECK (length(request_id) <= 100)
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor, id)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}
