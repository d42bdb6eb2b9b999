import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../common/database/execute';
import { AuditEntity, AuditRecord, FieldChanges } from './audit-entry';

/** A row as written: the database stamps its id and time. */
export type AuditRow = Omit<AuditRecord, 'id' | 'at'>;

export interface AuditQuery {
  entity?: AuditEntity;
  entityId?: string;
  actor?: string;
  since?: Date;
  offset: number;
  limit: number;
}

/** The audit_log table. Rows are only ever added by a change's own transaction, and read newest first. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: AuditRow): Promise<void> {
    await execute(
      manager,
      `INSERT INTO audit_log (actor, action, entity, entity_id, changes, reason, request_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [row.actor, row.action, row.entity, row.entityId, JSON.stringify(row.changes), row.reason, row.requestId],
    );
  }

  async list(query: AuditQuery): Promise<{ total: number; records: AuditRecord[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.entity !== undefined) filter('entity = ?', query.entity);
    if (query.entityId !== undefined) filter('entity_id = ?', query.entityId);
    if (query.actor !== undefined) filter('actor = ?', query.actor);
    if (query.since !== undefined) filter('at >= ?', query.since);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM audit_log ${clause}`, params);
    const rows: AuditRecordRow[] = await this.dataSource.query(
      `SELECT id::int AS id, at, actor, action, entity, entity_id, changes, reason, request_id
         FROM audit_log ${clause}
        ORDER BY id DESC
        OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
      [...params, query.offset, query.limit],
    );
    return { total, records: rows.map(toRecord) };
  }
}

interface AuditRecordRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entity: AuditEntity;
  entity_id: string;
  changes: FieldChanges;
  reason: string | null;
  request_id: string | null;
}

function toRecord(row: AuditRecordRow): AuditRecord {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    changes: row.changes,
    reason: row.reason,
    requestId: row.request_id,
  };
}
