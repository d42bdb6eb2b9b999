import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ClsService, CLS_REQ } from 'nestjs-cls';
import { EntityManager } from 'typeorm';
import { actorOf, reasonOf } from '../common/auth/admin.guard';
import { AuditEntry } from './audit-entry';
import { AuditLogRepository } from './audit-log.repository';

/** Who acted when a change has no admin request behind it and names no actor (a test, a script). */
export const UNKNOWN_ACTOR = 'system';

/**
 * Records one audit row in the transaction of the change it describes: the change and its row
 * commit together or not at all. The actor, the reason (`X-Reason`) and the request id (the one in
 * the logs) come from the current request, found through nestjs-cls, so services need not carry them.
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly cls: ClsService,
    private readonly log: AuditLogRepository,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const request = this.currentRequest();
    await this.log.insert(manager, {
      actor: entry.actor ?? (request && actorOf(request)) ?? UNKNOWN_ACTOR,
      action: entry.action,
      entity: entry.entity,
      entityId: String(entry.entityId),
      changes: entry.changes ?? {},
      reason: entry.reason ?? (request && reasonOf(request)) ?? null,
      requestId: request ? requestIdOf(request) : null,
    });
  }

  private currentRequest(): Request | null {
    return this.cls.isActive() ? (this.cls.get<Request>(CLS_REQ) ?? null) : null;
  }
}

function requestIdOf(request: Request): string | null {
  const id = (request as Request & { id?: unknown }).id;
  return id === undefined || id === null ? null : String(id);
}
