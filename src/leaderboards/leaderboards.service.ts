import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { changedFields, FieldChanges } from '../audit/audit-entry';
import { AuditTrail } from '../audit/audit-trail';
import { validateLeaderboardConfig } from '../calculators';
import { errorFor, isPublicSet } from '../common/audience';
import { TransactionRunner, UnitOfWork } from '../common/database/transaction-runner';
import { InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { LeaderboardConfigChangedEvent } from '../common/events/catalogue';
import { APP_CONFIG, AppConfig } from '../config/config';
import { PendingBoard, PendingRecalcRepository } from '../pending-recalc/pending-recalc.repository';
import { toLeaderboardConfig } from './board-config';
import { Leaderboard, MissedRaces } from './leaderboard.entity';
import { LeaderboardView, PendingView, RunPhasesView, RunView } from './leaderboard-views';
import { CategoryDto, CreateLeaderboardDto, UpdateLeaderboardDto } from './leaderboards.dto';
import { BoardDefinition, LeaderboardsRepository } from './leaderboards.repository';
import { PointsScalesRepository } from './points-scales.repository';
import { rejectUnscorable } from './points-scales.service';
import { RecalcRun } from './recalc.entities';
import { ResultSet } from '../results/result-set.entity';

/** The parts of boards' views that are not their definitions, by board id (LeaderboardsService.viewParts). */
interface ViewParts {
  standings: Map<number, ResultSet>;
  /** Live DRAFT revisions (by set id) of standings that were published: the public sees those. */
  revisionsOfPublished: Set<number>;
  pending: Map<number, PendingBoard>;
  lastRuns: Map<number, RecalcRun>;
}

@Injectable()
export class LeaderboardsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly boards: LeaderboardsRepository,
    private readonly pending: PendingRecalcRepository,
    private readonly scales: PointsScalesRepository,
    private readonly audit: AuditTrail,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(dto: CreateLeaderboardDto): Promise<LeaderboardView> {
    return this.tx.run(async (uow) => {
      const board = this.boards.newBoard(uow.manager, dto.seriesId);
      const id = await this.save(uow, board, dto, 'CREATED');
      return this.view(uow.manager, id, true);
    });
  }

  async update(id: number, dto: UpdateLeaderboardDto): Promise<LeaderboardView> {
    return this.tx.run(async (uow) => {
      const board = await this.boards.find(uow.manager, id, true);
      await this.save(uow, board, dto, 'UPDATED');
      return this.view(uow.manager, id, true);
    });
  }

  /** Admins see failures' detail; the public a generic note (errors can carry database internals). */
  async get(id: number, admin: boolean): Promise<LeaderboardView> {
    return this.tx.run((uow) => this.view(uow.manager, id, admin));
  }

  /**
   * Admins get every board of the series; the public only active boards whose standings are
   * public. A fixed number of statements whatever the number of boards (a school league's
   * series has hundreds): each part of the views is read for all the boards at once.
   */
  async list(seriesId: number, admin: boolean): Promise<LeaderboardView[]> {
    return this.tx.run(async (uow) => {
      if (!(await this.boards.seriesExists(uow.manager, seriesId))) throw new NotFoundError('Series', seriesId);
      const defs = await this.boards.definitions(uow.manager, await this.boards.listBySeries(uow.manager, seriesId));
      const parts = await this.viewParts(uow.manager, defs.map((def) => def.board.id));
      const shown = defs.filter(({ board }) => {
        const standings = parts.standings.get(board.id);
        const published = standings !== undefined && (isPublicSet(standings) || parts.revisionsOfPublished.has(standings.id));
        return admin || (board.active && published);
      });
      return shown.map((def) => this.viewOf(def, admin, parts));
    });
  }

  /**
   * Applies create/patch fields, checks references and what the calculators will accept,
   * writes board, categories and event roles, and marks the board pending: its standings
   * must be recomputed under the new configuration. A PATCH that changes nothing writes, marks
   * and records nothing.
   */
  private async save(
    uow: UnitOfWork,
    board: Leaderboard,
    dto: UpdateLeaderboardDto,
    reason: 'CREATED' | 'UPDATED',
  ): Promise<number> {
    const { manager } = uow;
    const current = board.id ? await this.boards.definition(manager, board.id) : null;
    // A copy: the board entity is edited in place below.
    const before = current && (JSON.parse(JSON.stringify(auditFields(current))) as Record<string, unknown>);
    assign(board, dto);
    if (!board.id && dto.missed === undefined) board.missed = await this.defaultMissed(manager, board.pointsScaleId);
    const categories = dto.categories?.map(toCategory) ?? current?.categories.map((c) => ({ code: c.code, multiplier: c.multiplier })) ?? [];
    const listed = dto.eventIds ?? current?.listedEventIds ?? [];
    const nonDroppable = dto.nonDroppableEventIds ?? current?.nonDroppableEventIds ?? [];

    await this.checkReferences(manager, board, listed, nonDroppable);
    const definition: BoardDefinition = {
      board,
      categories: categories.map((c, i) => ({ leaderboardId: board.id, code: c.code, multiplier: c.multiplier, ordinal: i + 1 })),
      listedEventIds: listed,
      nonDroppableEventIds: nonDroppable,
    };
    rejectUnscorable(() => validateLeaderboardConfig(toLeaderboardConfig(definition)));
    let changes: FieldChanges | null = null;
    if (before) {
      changes = changedFields(before, auditFields(definition));
      if (changes === null) return board.id;
    }

    const saved = await this.boards.save(manager, board);
    await this.boards.replaceCategories(manager, saved.id, categories);
    await this.boards.replaceEvents(manager, saved.id, listed, nonDroppable);
    await this.pending.mark(manager, [saved.id]);
    uow.publishAfterCommit(new LeaderboardConfigChangedEvent([saved.id], reason));
    await this.audit.record(manager, reason === 'CREATED'
      ? { action: 'leaderboard.create', entity: 'leaderboard', entityId: saved.id, changes: { after: auditFields(definition) } }
      : { action: 'leaderboard.update', entity: 'leaderboard', entityId: saved.id, changes: changes ?? {} });
    return saved.id;
  }

  /** A new board scores missed races as DNC on a low-point scale (RRS A2.2), not on a high-point one. */
  private async defaultMissed(manager: EntityManager, pointsScaleId: number): Promise<MissedRaces> {
    const scale = await this.scales.find(manager, pointsScaleId);
    return scale?.config.lowPoint ? 'DNC' : 'NONE';
  }

  private async checkReferences(manager: EntityManager, board: Leaderboard, listed: number[], nonDroppable: number[]): Promise<void> {
    const problems: { field: string; message: string }[] = [];
    const series = await this.boards.seriesExists(manager, board.seriesId);
    if (!series) problems.push({ field: 'seriesId', message: `series ${board.seriesId} does not exist` });
    if (!(await this.scales.find(manager, board.pointsScaleId))) problems.push({ field: 'pointsScaleId', message: `points scale ${board.pointsScaleId} does not exist` });
    if (series) {
      const foreignListed = await this.boards.foreignEventIds(manager, board.seriesId, listed);
      if (foreignListed.length) problems.push({ field: 'eventIds', message: `not events of series ${board.seriesId}: ${foreignListed.join(', ')}` });
      const foreignFixed = await this.boards.foreignEventIds(manager, board.seriesId, nonDroppable);
      if (foreignFixed.length) problems.push({ field: 'nonDroppableEventIds', message: `not events of series ${board.seriesId}: ${foreignFixed.join(', ')}` });
    }
    if (board.eventScope === 'LISTED' && listed.length === 0) {
      problems.push({ field: 'eventIds', message: 'eventScope LISTED needs at least one event id' });
    }
    if (board.type === 'GROUP' && board.groupBy.length === 0) {
      problems.push({ field: 'groupBy', message: 'a GROUP board needs groupBy, e.g. ["custom3", "custom2"]' });
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
  }

  private async view(manager: EntityManager, id: number, admin: boolean): Promise<LeaderboardView> {
    const def = await this.boards.definition(manager, id);
    return this.viewOf(def, admin, await this.viewParts(manager, [id]));
  }

  /** What the views of these boards show besides their definitions, read for all of them at once. */
  private async viewParts(manager: EntityManager, ids: number[]): Promise<ViewParts> {
    const standings = await this.boards.currentStandings(manager, ids);
    return {
      standings,
      revisionsOfPublished: await this.boards.replacingPublished(manager, [...standings.values()]),
      pending: await this.pending.pendingOf(manager, ids),
      lastRuns: await this.boards.lastRuns(manager, ids),
    };
  }

  private viewOf(def: BoardDefinition, admin: boolean, parts: ViewParts): LeaderboardView {
    const { board } = def;
    const standings = parts.standings.get(board.id) ?? null;
    const pending = parts.pending.get(board.id);
    const lastRun = parts.lastRuns.get(board.id);
    return {
      id: board.id,
      seriesId: board.seriesId,
      name: board.name,
      pointsScaleId: board.pointsScaleId,
      ...toLeaderboardConfig(def),
      belowMinEvents: board.belowMinEvents,
      initialState: board.initialState === 'DRAFT' ? 'DRAFT' : 'PROVISIONAL',
      active: board.active,
      standings: standings && {
        resultSetId: standings.id,
        state: standings.state,
        computedAt: standings.computedAt?.toISOString() ?? null,
        errorMessage: errorFor(admin, standings.errorMessage),
        ...(admin && standings.state === 'DRAFT' && parts.revisionsOfPublished.has(standings.id) ? { revisionPending: true } : {}),
      },
      pending: pending ? this.pendingView(pending.firstPendingAt, pending.lastChangedAt) : null,
      lastRun: lastRun ? { ...toRunView(lastRun), error: errorFor(admin, lastRun.error) } : null,
    };
  }

  private pendingView(since: Date, lastChangeAt: Date): PendingView {
    const due = Math.min(lastChangeAt.getTime() + this.config.recalcDebounceMs, since.getTime() + this.config.recalcMaxWaitMs);
    return { since: since.toISOString(), lastChangeAt: lastChangeAt.toISOString(), dueAt: new Date(due).toISOString() };
  }
}

export function toRunView(run: RecalcRun): RunView {
  const finished = run.rowsInserted !== null;
  return {
    jobId: run.jobId,
    leaderboardId: run.leaderboardId,
    status: run.status,
    trigger: run.trigger,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    rows: finished ? { inserted: run.rowsInserted!, updated: run.rowsUpdated ?? 0, deleted: run.rowsDeleted ?? 0 } : null,
    phases: phasesOf(run.summary),
    servedBy: run.servedBy,
  };
}

const PHASES = ['queueMs', 'lockMs', 'loadMs', 'computeMs', 'writeMs'] as const;

/** The phase timings the runner keeps in a completed run's summary, when all of them are there. */
function phasesOf(summary: unknown): RunPhasesView | null {
  const timings = (summary as { timings?: Record<string, unknown> } | null)?.timings;
  if (!timings || !PHASES.every((phase) => typeof timings[phase] === 'number')) return null;
  return Object.fromEntries(PHASES.map((phase) => [phase, timings[phase]])) as unknown as RunPhasesView;
}

/** What the audit log compares and records of a board: its own fields and its configuration. */
function auditFields(def: BoardDefinition): Record<string, unknown> {
  const { board } = def;
  return {
    seriesId: board.seriesId,
    name: board.name,
    pointsScaleId: board.pointsScaleId,
    ...toLeaderboardConfig(def),
    initialState: board.initialState === 'DRAFT' ? 'DRAFT' : 'PROVISIONAL',
    active: board.active,
  };
}

function toCategory(c: string | CategoryDto): { code: string; multiplier: number } {
  return typeof c === 'string' ? { code: c.trim(), multiplier: 1 } : { code: c.code.trim(), multiplier: c.multiplier ?? 1 };
}

/** Copies the given fields onto the entity; defaults apply to new boards only. */
function assign(board: Leaderboard, dto: UpdateLeaderboardDto): void {
  const isNew = board.id === undefined;
  const set = <K extends keyof Leaderboard>(key: K, value: Leaderboard[K] | undefined, fallback: Leaderboard[K]) => {
    if (value !== undefined) board[key] = value;
    else if (isNew) board[key] = fallback;
  };
  set('name', dto.name, board.name);
  set('type', dto.type, board.type);
  set('pointsScaleId', dto.pointsScaleId, board.pointsScaleId);
  set('eventScope', dto.eventScope, 'ALL');
  set('bestOf', dto.bestOf, null);
  set('dropWorst', dto.dropWorst, null);
  set('minEvents', dto.minEvents, null);
  set('belowMinEvents', dto.belowMinEvents, 'UNRANKED');
  set('countingRiders', dto.countingRiders, null);
  set('minRiders', dto.minRiders, null);
  set('groupBy', dto.groupBy, []);
  set('tieBreaks', dto.tieBreaks, ['COUNTBACK', 'MOST_RECENT']);
  set('ranking', dto.ranking, 'STANDARD');
  set('missed', dto.missed, 'NONE');
  set('discardSchedule', dto.discardSchedule === null ? [] : dto.discardSchedule, []);
  set('initialState', dto.initialState, 'PROVISIONAL');
  set('active', dto.active, true);
}
