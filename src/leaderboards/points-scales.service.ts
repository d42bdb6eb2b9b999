import { Injectable } from '@nestjs/common';
import { changedFields } from '../audit/audit-entry';
import { AuditTrail } from '../audit/audit-trail';
import { ScoringError, validatePointsScale } from '../calculators';
import { TransactionRunner } from '../common/database/transaction-runner';
import { InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { rejectNulls } from '../common/errors/validation';
import { LeaderboardConfigChangedEvent } from '../common/events/catalogue';
import { PageQuery, pageWindow } from '../common/paging';
import { PendingRecalcRepository } from '../pending-recalc/pending-recalc.repository';
import { CreatePointsScaleDto, PointsScaleView } from './leaderboards.dto';
import { PointsScale, PointsScaleSettings } from './points-scale.entity';
import { PointsScalePage, UpdatePointsScaleDto } from './points-scales.dto';
import { PointsScalesRepository } from './points-scales.repository';
import { toPointsScaleConfig } from './board-config';
import { codesFromList, inListTerms } from './code-list';
import { StatusCodesRepository } from '../results/status-codes/status-codes.repository';

@Injectable()
export class PointsScalesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly scales: PointsScalesRepository,
    private readonly pending: PendingRecalcRepository,
    private readonly audit: AuditTrail,
    private readonly codes: StatusCodesRepository,
  ) {}

  async create(input: CreatePointsScaleDto): Promise<PointsScaleView> {
    const { dto, listed } = withCodeObject(input);
    const { name, kind, ...settings } = dto;
    return this.tx.run(async ({ manager }) => {
      const scale = this.scales.build(manager, { name, kind, config: withCodes(settings as PointsScaleSettings) });
      const registered = await this.codes.registered(manager, true);
      rejectUnscorable(() => validatePointsScale(toPointsScaleConfig(scale, registered)), listed);
      const view = toView(await this.scales.save(manager, scale));
      const { id, ...fields } = view;
      await this.audit.record(manager, { action: 'points_scale.create', entity: 'points_scale', entityId: id, changes: { after: fields } });
      return view;
    });
  }

  /**
   * Applies the fields given over the stored scale and validates the result as a create would.
   * Every board scored with it is marked pending in the same transaction, and one change event
   * follows the commit; a PATCH that changes nothing writes, marks and records nothing.
   */
  async update(id: number, input: UpdatePointsScaleDto): Promise<PointsScaleView> {
    rejectNulls(input, ['name', 'kind']);
    // Compared and stored in the object form: a list equal to the stored codes changes nothing.
    const { dto, listed } = withCodeObject(input);
    return this.tx.run(async (uow) => {
      const { manager } = uow;
      const scale = await this.scales.findForUpdate(manager, id);
      if (!scale) throw new NotFoundError('Points scale', id);
      const { id: _id, ...before } = toView(scale);
      const changes = changedFields(before as Record<string, unknown>, dto as Record<string, unknown>);
      if (changes === null) return toView(scale);
      const { name, kind, ...settings } = dto;
      if (name !== undefined) scale.name = name;
      if (kind !== undefined) scale.kind = kind;
      scale.config = withCodes(withSettings(scale.config, settings));
      const registered = await this.codes.registered(manager, true);
      rejectUnscorable(() => validatePointsScale(toPointsScaleConfig(scale, registered)), listed);
      const saved = await this.scales.save(manager, scale);
      const boards = await this.scales.boardsUsing(manager, id);
      await this.pending.mark(manager, boards);
      if (boards.length > 0) uow.publishAfterCommit(new LeaderboardConfigChangedEvent(boards, 'POINTS_SCALE_UPDATED'));
      await this.audit.record(manager, { action: 'points_scale.update', entity: 'points_scale', entityId: id, changes: { ...changes, leaderboardIds: boards } });
      return toView(saved);
    });
  }

  async get(id: number): Promise<PointsScaleView> {
    return toView(await this.require(id));
  }

  async list(query: PageQuery): Promise<PointsScalePage> {
    const page = pageWindow(query);
    const { total, rows } = await this.tx.run(({ manager }) => this.scales.page(manager, page));
    return { total, ...page, items: rows.map(toView) };
  }

  async require(id: number): Promise<PointsScale> {
    const scale = await this.tx.run(({ manager }) => this.scales.find(manager, id));
    if (!scale) throw new NotFoundError('Points scale', id);
    return scale;
  }
}

/** The stored settings with the given ones applied: undefined keeps a setting, null removes it. */
function withSettings(config: PointsScaleSettings, settings: Record<string, unknown>): PointsScaleSettings {
  const next: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as PointsScaleSettings;
}

/**
 * A scale written the new way scores codes by their defaults (`codes: {}`); one with statusPoints
 * alone, as scales did before the codes. The same after a PATCH that removes codes (null).
 */
function withCodes(config: PointsScaleSettings): PointsScaleSettings {
  return config.codes === undefined && config.statusPoints === undefined ? { ...config, codes: {} } : config;
}

/** `codes` in the form it is stored in (an object), and, when it came as a list, where the list placed each code. */
function withCodeObject<T extends { codes?: unknown }>(dto: T): { dto: T; listed: ReadonlyMap<string, number> | null } {
  if (!Array.isArray(dto.codes)) return { dto, listed: null };
  const { codes, at } = codesFromList(dto.codes);
  return { dto: { ...dto, codes }, listed: at };
}

/**
 * Turns the calculators' refusal of a configuration into a 400 that names the setting (as the
 * list entry `codes[i]` when `codes` came as a list).
 */
export function rejectUnscorable(check: () => void, listed: ReadonlyMap<string, number> | null = null): void {
  try {
    check();
  } catch (err) {
    if (err instanceof ScoringError) {
      const words = (text: string) => (listed ? inListTerms(text, listed) : text);
      throw new InvalidInputError([{ field: words(err.path ?? 'config'), message: words(err.message) }]);
    }
    throw err;
  }
}

function toView(scale: PointsScale): PointsScaleView {
  return { id: scale.id, name: scale.name, kind: scale.kind, ...scale.config };
}
