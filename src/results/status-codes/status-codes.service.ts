import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditTrail } from '../../audit/audit-trail';
import { STATUSES, Status } from '../../calculators';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { ConflictError, InvalidInputError, NotFoundError } from '../../common/errors/domain-errors';
import { CreateStatusCodeDto, StatusCodeList, StatusCodeView, UpdateStatusCodeDto } from './status-codes.dto';
import { CodeUsage, StatusCodesRepository } from './status-codes.repository';

/**
 * The deployment's status codes: the built-ins, read-only, and the organiser's own. A code's
 * number is given once and never reused, and a code in use cannot be deleted, so race packs
 * cached with a number never come to mean another code. Registering or relabelling a code
 * changes no score (nothing carries a new code yet; a label is not scored): no board is marked.
 */
@Injectable()
export class StatusCodesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly codes: StatusCodesRepository,
    private readonly audit: AuditTrail,
  ) {}

  async list(): Promise<StatusCodeList> {
    return { items: await this.tx.run(({ manager }) => this.codes.list(manager)) };
  }

  async get(code: string): Promise<StatusCodeView> {
    const row = await this.tx.run(({ manager }) => this.codes.find(manager, code));
    if (!row) throw new NotFoundError('Status code', code);
    return row;
  }

  async create(dto: CreateStatusCodeDto): Promise<StatusCodeView> {
    if (STATUSES.includes(dto.code as Status)) {
      throw new InvalidInputError([{ field: 'code', message: `${dto.code} is a built-in code; choose another (built-in: ${STATUSES.join(', ')})` }]);
    }
    return this.tx.run(async ({ manager }) => {
      const row = await this.codes.insert(manager, dto.code, dto.label);
      if (!row) throw new ConflictError(`status code ${dto.code} exists already`);
      await this.audit.record(manager, { action: 'status_code.create', entity: 'status_code', entityId: row.code, changes: { after: { number: row.number, label: row.label } } });
      return row;
    });
  }

  async update(code: string, dto: UpdateStatusCodeDto): Promise<StatusCodeView> {
    return this.tx.run(async ({ manager }) => {
      const row = await this.ownCode(manager, code);
      if (row.label === dto.label) return row;
      await this.codes.setLabel(manager, code, dto.label);
      await this.audit.record(manager, { action: 'status_code.update', entity: 'status_code', entityId: code, changes: { before: { label: row.label }, after: { label: dto.label } } });
      return { ...row, label: dto.label };
    });
  }

  /** Refused (409) while results carry the code or a scale names it, saying which. */
  async delete(code: string): Promise<void> {
    await this.tx.run(async ({ manager }) => {
      const row = await this.ownCode(manager, code);
      const usage = await this.codes.usage(manager, code);
      if (usage.results > 0 || usage.scales.length > 0) throw new ConflictError(inUse(code, usage));
      await this.codes.delete(manager, code);
      await this.audit.record(manager, { action: 'status_code.delete', entity: 'status_code', entityId: code, changes: { before: { number: row.number, label: row.label } } });
    });
  }

  /** The organiser-defined code, locked (so no result takes it while it is deleted); a built-in is not the organiser's to change. */
  private async ownCode(manager: EntityManager, code: string): Promise<StatusCodeView> {
    const row = await this.codes.find(manager, code, true);
    if (!row) throw new NotFoundError('Status code', code);
    if (row.builtIn) throw new ConflictError(`${code} is a built-in code: it cannot be changed or deleted`);
    return row;
  }
}

function inUse(code: string, usage: CodeUsage): string {
  const uses: string[] = [];
  if (usage.results > 0) uses.push(`${usage.results} result(s) in ${usage.events.map((e) => `event ${e.id} (${e.name})`).join(', ')}`);
  if (usage.scales.length > 0) uses.push(`points scale(s) ${usage.scales.map((s) => `${s.id} (${s.name})`).join(', ')}`);
  return `status code ${code} is still used by ${uses.join(' and ')}: change those first`;
}
