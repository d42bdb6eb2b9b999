import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork, TransactionRunner } from '../common/database/transaction-runner';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { errorFor, isPublicSet } from '../common/audience';
import { ChangeReason, ResultSetChangedEvent, StandingsChangedEvent } from '../common/events/catalogue';
import { PUBLIC_STATES, ResultSetState } from '../common/result-set-state';
import { PendingRecalcRepository } from '../pending-recalc/pending-recalc.repository';
import { RaceRowsRepository } from './race-rows.repository';
import { PLACED_RESULT_STATUSES } from './result-status';
import { LockedRaceSet, ResultSetsRepository } from './result-sets.repository';
import { ResultSet } from './result-set.entity';
import { IncomingRow } from './rider-identity';
import { CreateResultSetDto, ResultRowView, ResultSetView, UpdateResultRowDto } from './results.dto';
import { assertEditable, assertRevisable, planTransition } from './state-machine';

const feeds = (state: ResultSetState): boolean => PUBLIC_STATES.includes(state);

/**
 * Race results under the ResultSet state machine. Every change runs in one transaction that
 * also marks the affected leaderboards pending, and publishes one ResultSetChangedEvent after
 * commit.
 */
@Injectable()
export class ResultSetsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly sets: ResultSetsRepository,
    private readonly rows: RaceRowsRepository,
    private readonly pending: PendingRecalcRepository,
  ) {}

  async create(eventId: number, dto: CreateResultSetDto): Promise<ResultSetView> {
    return this.tx.run(async (uow) => {
      const { seriesId } = await this.sets.lockEvent(uow.manager, eventId);
      const open = await this.sets.openSetFor(uow.manager, eventId, dto.category);
      if (open) {
        throw new ConflictError(
          `Event ${eventId} already has result set ${open.id} (${open.state}) for category "${dto.category}"; edit it, or make a revision if it is APPROVED`,
        );
      }
      const set = await this.sets.create(uow.manager, { eventId, category: dto.category, state: dto.state ?? 'DRAFT' });
      if (feeds(set.state)) await this.recordChange(uow, { set, seriesId }, 'RESULTS_CREATED');
      return this.view(uow.manager, set);
    });
  }

  /**
   * Admins see any set as stored. The public gets 404 for a set that is not public (the same
   * answer as a missing id, so ids cannot be probed), and no licence numbers or failure text.
   */
  async get(id: number, admin: boolean): Promise<ResultSetView> {
    return this.tx.run(async (uow) => {
      const set = await this.sets.find(uow.manager, id);
      if (admin) return this.view(uow.manager, set);
      if (!isPublicSet(set)) throw new NotFoundError('Result set', id);
      return publicView(await this.view(uow.manager, set));
    });
  }

  /** PUT: the given rows become the whole set, in one statement batch and one change event. */
  async replaceRows(id: number, incoming: IncomingRow[]): Promise<ResultSetView> {
    const warnings = this.rows.validate(incoming);
    return this.tx.run(async (uow) => {
      const locked = await this.lockRaceSetForEdit(uow.manager, id);
      await this.rows.deleteAll(uow.manager, id);
      await this.rows.insert(uow.manager, id, locked.seriesId!, locked.set.category!, incoming);
      await this.sets.touch(uow.manager, id);
      await this.recordChangeIfFeeding(uow, locked, 'RESULTS_REPLACED');
      return withWarnings(await this.view(uow.manager, locked.set), warnings);
    });
  }

  async addRow(id: number, row: IncomingRow): Promise<ResultRowView> {
    const warnings = this.rows.validate([row], 'body');
    return this.tx.run(async (uow) => {
      const locked = await this.lockRaceSetForEdit(uow.manager, id);
      const [rowId] = await this.rows.insert(uow.manager, id, locked.seriesId!, locked.set.category!, [row]);
      await this.sets.touch(uow.manager, id);
      await this.recordChangeIfFeeding(uow, locked, 'RESULTS_CREATED');
      return withWarnings(await this.rowView(uow.manager, id, rowId), warnings);
    });
  }

  async updateRow(rowId: number, patch: UpdateResultRowDto): Promise<ResultRowView> {
    return this.tx.run(async (uow) => {
      const setId = await this.rows.setOfRow(uow.manager, rowId);
      const locked = await this.lockRaceSetForEdit(uow.manager, setId);
      const current = await this.rowView(uow.manager, setId, rowId);
      const merged = mergeRow(current, patch);
      const warnings = this.rows.validate([merged], 'body');
      await this.rows.update(uow.manager, rowId, locked.seriesId!, merged);
      await this.sets.touch(uow.manager, setId);
      await this.recordChangeIfFeeding(uow, locked, 'RESULT_UPDATED');
      return withWarnings(await this.rowView(uow.manager, setId, rowId), warnings);
    });
  }

  async deleteRow(rowId: number): Promise<void> {
    await this.tx.run(async (uow) => {
      const setId = await this.rows.setOfRow(uow.manager, rowId);
      const locked = await this.lockRaceSetForEdit(uow.manager, setId);
      await this.rows.deleteRow(uow.manager, rowId);
      await this.sets.touch(uow.manager, setId);
      await this.recordChangeIfFeeding(uow, locked, 'RESULT_DELETED');
    });
  }

  async transition(id: number, to: ResultSetState): Promise<ResultSetView> {
    return this.tx.run(async (uow) => {
      const locked = await this.sets.lock(uow.manager, id);
      const { set } = locked;
      if (set.state === 'FAILED') {
        throw new ConflictError(`Result set ${id} is FAILED standings; retry the recalculation (POST /api/leaderboards/${set.leaderboardId}/recalculate)`);
      }
      const plan = planTransition(set, to);
      if (!plan.changes) return this.view(uow.manager, set);

      const before = set.state;
      // Standings clones replaced their original when they were made; race revisions do it now.
      const replacesOriginal = plan.replacesOriginal && set.eventId !== null;
      if (replacesOriginal) {
        await this.sets.compareAndSetState(uow.manager, set.replacesId!, ['PROVISIONAL', 'APPROVED', 'DELETED'], 'REPLACED');
      }
      await this.sets.compareAndSetState(uow.manager, id, [before], to);
      set.state = to;
      // Open standings pages show the new state (approved, a revision published) without a reload.
      if (set.leaderboardId !== null) uow.publishAfterCommit(new StandingsChangedEvent(set.leaderboardId, id));
      // A standings set's state is not a result change; a race set's is, when it feeds boards.
      if (set.eventId !== null && (feeds(before) || feeds(to) || replacesOriginal)) {
        await this.recordChange(uow, locked, replacesOriginal ? 'REVISION_PUBLISHED' : 'STATE_CHANGED');
      }
      return this.view(uow.manager, set);
    });
  }

  /** A DRAFT copy of a published or deleted set; publishing it replaces the original. */
  async revise(id: number): Promise<ResultSetView> {
    return this.tx.run(async (uow) => {
      const { set } = await this.sets.lock(uow.manager, id);
      if (set.leaderboardId !== null) {
        throw new ConflictError(`Result set ${id} holds standings; they are revised by recalculation, not by hand`);
      }
      assertRevisable(set);
      const open = await this.sets.openRevisionOf(uow.manager, id);
      if (open !== null) throw new ConflictError(`Result set ${id} already has an open revision: result set ${open}`);
      const revision = await this.sets.create(uow.manager, {
        eventId: set.eventId,
        category: set.category,
        state: 'DRAFT',
        replacesId: set.id,
      });
      await this.sets.copyRows(uow.manager, id, revision.id);
      return this.view(uow.manager, revision);
    });
  }

  private async lockRaceSetForEdit(manager: EntityManager, id: number): Promise<LockedRaceSet> {
    const locked = await this.sets.lock(manager, id);
    if (locked.set.leaderboardId !== null) {
      throw new ConflictError(`Result set ${id} holds standings of leaderboard ${locked.set.leaderboardId}; they are written by recalculation`);
    }
    assertEditable(locked.set);
    return locked;
  }

  /** Every edit is a change event; only a set that feeds boards (PROVISIONAL) marks them. */
  private recordChangeIfFeeding(uow: UnitOfWork, locked: LockedRaceSet, reason: ChangeReason): Promise<void> {
    return this.recordChange(uow, locked, reason, feeds(locked.set.state));
  }

  /**
   * Marks the boards that read this set (when it feeds them) in the current transaction and
   * queues the one change event for after commit.
   */
  private async recordChange(uow: UnitOfWork, { set, seriesId }: LockedRaceSet, reason: ChangeReason, markBoards = true): Promise<void> {
    const categories = [set.category!];
    const boards = markBoards ? await this.pending.markAffected(uow.manager, set.eventId!, categories) : [];
    uow.publishAfterCommit(new ResultSetChangedEvent(set.id, set.eventId!, seriesId!, categories, reason, boards));
  }

  private async rowView(manager: EntityManager, setId: number, rowId: number): Promise<ResultRowView> {
    const row = (await this.rows.rowsOf(manager, [setId])).get(setId)!.find((r) => r.id === rowId);
    if (!row) throw new NotFoundError('Result', rowId);
    return row;
  }

  private async view(manager: EntityManager, set: ResultSet): Promise<ResultSetView> {
    const rows = set.leaderboardId === null ? (await this.rows.rowsOf(manager, [set.id])).get(set.id)! : [];
    return {
      id: set.id,
      eventId: set.eventId,
      leaderboardId: set.leaderboardId,
      category: set.category,
      state: set.state,
      replacesId: set.replacesId,
      replacedById: set.state === 'REPLACED' ? await this.sets.replacedBy(manager, set.id) : null,
      errorMessage: set.errorMessage,
      results: rows,
    };
  }
}

function publicView(view: ResultSetView): ResultSetView {
  return {
    ...view,
    errorMessage: errorFor(false, view.errorMessage),
    results: view.results.map((row) => {
      const { externalId: _licence, ...participant } = row.participant;
      return { ...row, participant };
    }),
  };
}

/** A PATCH applied to a stored row; a status other than FIN clears the place unless one is given. */
function mergeRow(current: ResultRowView, patch: UpdateResultRowDto): IncomingRow {
  const status = patch.status ?? current.status;
  // A status that keeps a place (FIN, ZFP, SCP, DPI) keeps the row's place; another drops it.
  const position = patch.position !== undefined ? patch.position : PLACED_RESULT_STATUSES.includes(status) ? current.position : null;
  const pick = <K extends 'bib' | 'timeMs' | 'custom1' | 'custom2' | 'custom3'>(key: K) =>
    patch[key] !== undefined ? patch[key] : current[key];
  return {
    participant: patch.participant ?? current.participant,
    bib: pick('bib'),
    position,
    status,
    timeMs: pick('timeMs'),
    custom1: pick('custom1'),
    custom2: pick('custom2'),
    custom3: pick('custom3'),
  };
}

/** A view with the write's warnings (a dropped place), when there are any: views without them stay as they were. */
function withWarnings<T extends object>(view: T, warnings: string[]): T & { warnings?: string[] } {
  return warnings.length > 0 ? { ...view, warnings } : view;
}
