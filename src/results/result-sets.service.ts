import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { changedFields } from '../audit/audit-entry';
import { AuditTrail } from '../audit/audit-trail';
import { undoUnless } from '../common/database/savepoint';
import { UnitOfWork, TransactionRunner } from '../common/database/transaction-runner';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { errorFor, isPublicSet } from '../common/audience';
import { ChangeReason, ResultSetChangedEvent, StandingsChangedEvent } from '../common/events/catalogue';
import { PageWindow } from '../common/paging';
import { PUBLIC_STATES, ResultSetState } from '../common/result-set-state';
import { PendingRecalcRepository } from '../pending-recalc/pending-recalc.repository';
import { RaceRowsRepository } from './race-rows.repository';
import { StatusCodesRepository } from './status-codes/status-codes.repository';
import { PLACED_RESULT_STATUSES } from './result-status';
import { LockedRaceSet, ResultSetsRepository } from './result-sets.repository';
import { ResultSet } from './result-set.entity';
import { IncomingRow } from './rider-identity';
import { CreateResultSetDto, ResultRowView, ResultSetPage, ResultSetView, UpdateResultRowDto } from './results.dto';
import { auditedRow, diffRows } from './row-changes';
import { assertEditable, assertRevisable, planTransition } from './state-machine';

const feeds = (state: ResultSetState): boolean => PUBLIC_STATES.includes(state);

/**
 * What the answer of a write to a set says about its state: a DRAFT feeds no leaderboard and
 * is not public until it is published (a revision's original stays in force meanwhile).
 */
export function draftWarnings(set: { id: number; state: ResultSetState; replacesId: number | null }): string[] {
  if (set.state !== 'DRAFT') return [];
  const publish = `POST /api/result-sets/${set.id}/transitions with {"to":"PROVISIONAL"} or {"to":"APPROVED"}`;
  if (set.replacesId !== null) {
    return [`Result set ${set.id} is a DRAFT revision of result set ${set.replacesId}: leaderboards and the public keep reading result set ${set.replacesId} until this one is published (${publish})`];
  }
  return [`Result set ${set.id} is a DRAFT: it feeds no leaderboard and is not public until it is published (${publish})`];
}

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
    private readonly audit: AuditTrail,
    private readonly codes: StatusCodesRepository,
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
      await this.audit.record(uow.manager, {
        action: 'result_set.create', entity: 'result_set', entityId: set.id, changes: { after: { eventId, category: set.category, state: set.state } },
      });
      return this.written(await this.view(uow.manager, set));
    });
  }

  /** The race sets of an event, oldest first; the public sees only the published ones. */
  async listForEvent(eventId: number, admin: boolean, window: PageWindow): Promise<ResultSetPage> {
    return this.tx.run(async ({ manager }) => {
      await this.sets.seriesOfEvent(manager, eventId);
      const { total, items } = await this.sets.listForEvent(manager, eventId, admin, window);
      return { total, ...window, items };
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

  /**
   * PUT: the given rows become the whole set, in one statement batch and one change event. A
   * replace that changes nothing (the same rows sent again) is undone: it marks no board,
   * publishes nothing and records no audit row, like any edit that changes nothing.
   */
  async replaceRows(id: number, incoming: IncomingRow[]): Promise<ResultSetView> {
    return this.tx.run(async (uow) => {
      const warnings = this.rows.validate(incoming, await this.codes.registered(uow.manager));
      const locked = await this.lockRaceSetForEdit(uow.manager, id);
      const before = await this.rowsOfSet(uow.manager, id);
      const changes = await undoUnless(uow.manager, async (manager) => {
        await this.rows.deleteAll(manager, id);
        await this.rows.insert(manager, id, locked.seriesId!, locked.set.category!, incoming);
        return diffRows(before, await this.rowsOfSet(manager, id));
      }, (diff) => diff !== null);
      if (changes) {
        await this.sets.touch(uow.manager, id);
        await this.recordChangeIfFeeding(uow, locked, 'RESULTS_REPLACED');
        await this.audit.record(uow.manager, { action: 'result_set.replace_rows', entity: 'result_set', entityId: id, changes: { ...changes } });
      }
      return this.written(await this.view(uow.manager, locked.set), warnings);
    });
  }

  async addRow(id: number, row: IncomingRow): Promise<ResultRowView> {
    return this.tx.run(async (uow) => {
      const warnings = this.rows.validate([row], await this.codes.registered(uow.manager), 'body');
      const locked = await this.lockRaceSetForEdit(uow.manager, id);
      const [rowId] = await this.rows.insert(uow.manager, id, locked.seriesId!, locked.set.category!, [row]);
      await this.sets.touch(uow.manager, id);
      await this.recordChangeIfFeeding(uow, locked, 'RESULTS_CREATED');
      const added = await this.rowView(uow.manager, id, rowId);
      await this.audit.record(uow.manager, { action: 'result.create', entity: 'result', entityId: rowId, changes: { resultSetId: id, after: auditedRow(added) } });
      return { ...added, warnings: [...warnings, ...draftWarnings(locked.set)] };
    });
  }

  async updateRow(rowId: number, patch: UpdateResultRowDto): Promise<ResultRowView> {
    return this.tx.run(async (uow) => {
      const setId = await this.rows.setOfRow(uow.manager, rowId);
      const locked = await this.lockRaceSetForEdit(uow.manager, setId);
      const current = await this.rowView(uow.manager, setId, rowId);
      const merged = mergeRow(current, patch);
      const warnings = this.rows.validate([merged], await this.codes.registered(uow.manager), 'body');
      // Written first, compared after: who the patched rider is depends on the database's matching.
      const { row, changes } = await undoUnless(uow.manager, async (manager) => {
        await this.rows.update(manager, rowId, locked.seriesId!, merged);
        const updated = await this.rowView(manager, setId, rowId);
        return { row: updated, changes: changedFields(auditedRow(current), auditedRow(updated)) };
      }, (outcome) => outcome.changes !== null);
      if (changes) {
        await this.sets.touch(uow.manager, setId);
        await this.recordChangeIfFeeding(uow, locked, 'RESULT_UPDATED');
        await this.audit.record(uow.manager, { action: 'result.update', entity: 'result', entityId: rowId, changes: { resultSetId: setId, ...changes } });
      }
      return { ...(changes ? row : current), warnings: [...warnings, ...draftWarnings(locked.set)] };
    });
  }

  async deleteRow(rowId: number): Promise<void> {
    await this.tx.run(async (uow) => {
      const setId = await this.rows.setOfRow(uow.manager, rowId);
      const locked = await this.lockRaceSetForEdit(uow.manager, setId);
      const gone = await this.rowView(uow.manager, setId, rowId);
      await this.rows.deleteRow(uow.manager, rowId);
      await this.sets.touch(uow.manager, setId);
      await this.recordChangeIfFeeding(uow, locked, 'RESULT_DELETED');
      await this.audit.record(uow.manager, { action: 'result.delete', entity: 'result', entityId: rowId, changes: { resultSetId: setId, before: auditedRow(gone) } });
    });
  }

  /** `reason`: the request body's, for the audit log (else the X-Reason header's). */
  async transition(id: number, to: ResultSetState, reason?: string): Promise<ResultSetView> {
    return this.tx.run(async (uow) => {
      const locked = await this.sets.lock(uow.manager, id);
      const { set } = locked;
      if (set.state === 'FAILED') {
        throw new ConflictError(`Result set ${id} is FAILED standings; retry the recalculation (POST /api/leaderboards/${set.leaderboardId}/recalculate)`);
      }
      const plan = planTransition(set, to);
      if (!plan.changes) return this.written(await this.view(uow.manager, set));

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
      await this.audit.record(uow.manager, {
        action: 'result_set.transition', entity: 'result_set', entityId: id, reason,
        changes: { before: { state: before }, after: { state: to }, ...(replacesOriginal ? { replaced: set.replacesId } : {}) },
      });
      return this.written(await this.view(uow.manager, set));
    });
  }

  /** A DRAFT copy of a published or deleted set; publishing it replaces the original. */
  async revise(id: number, reason?: string): Promise<ResultSetView> {
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
      // On the set revised, so its history shows it; the revision's own edits follow under its id.
      await this.audit.record(uow.manager, {
        action: 'result_set.revise', entity: 'result_set', entityId: id, reason,
        changes: { after: { revisionId: revision.id } },
      });
      return this.written(await this.view(uow.manager, revision));
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

  /**
   * A write's answer: the set as stored, with what the organiser should know: what the write
   * changed of what was sent (`input`: a non-finisher's place dropped), then the set's state.
   */
  private written(view: ResultSetView, input: string[] = []): ResultSetView {
    // Standings are written by recalculation; the state warning is about race results.
    return { ...view, warnings: [...input, ...(view.leaderboardId === null ? draftWarnings(view) : [])] };
  }

  private async rowsOfSet(manager: EntityManager, setId: number): Promise<ResultRowView[]> {
    return (await this.rows.rowsOf(manager, [setId])).get(setId)!;
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
  // Redress belongs to an RDG result: another status drops it unless one is given (then a 400).
  const redress = patch.redress !== undefined ? patch.redress : status === 'RDG' ? current.redress : null;
  return {
    participant: patch.participant ?? current.participant,
    bib: pick('bib'),
    position,
    status,
    timeMs: pick('timeMs'),
    custom1: pick('custom1'),
    custom2: pick('custom2'),
    custom3: pick('custom3'),
    redress,
  };
}

