import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AuditTrail } from '../../audit/audit-trail';
import { changedFields } from '../../audit/audit-entry';
import { advisoryXactLock, BOARD_LOCK_NAMESPACE } from '../../common/database/advisory-locks';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { ConflictError, NotFoundError } from '../../common/errors/domain-errors';
import { ParticipantsChangedEvent } from '../../common/events/catalogue';
import { PageWindow } from '../../common/paging';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { collapseSpaces } from '../rider-identity';
import { AliasRecord, MergeMoves, RiderListItem, RiderRecord, RiderResult, RidersRepository } from './riders.repository';

export interface RiderDetail extends RiderRecord {
  aliases: AliasRecord[];
  results: RiderResult[];
}

export interface RiderPatch {
  firstName?: string;
  lastName?: string;
  externalId?: string | null;
}

export interface MergeOutcome {
  mergedId: number;
  into: RiderDetail;
  moved: MergeMoves;
  alias: AliasRecord;
  leaderboardIds: number[];
}

/** PostgreSQL's lock_not_available: a NOWAIT lock someone else holds. */
const LOCK_NOT_AVAILABLE = '55P03';

const fullName = (r: Pick<RiderRecord, 'firstName' | 'lastName'>) => `${r.firstName} ${r.lastName}`;
const named = (r: RiderRecord) => `rider ${r.id} (${fullName(r)}${r.externalId ? `, licence ${r.externalId}` : ''})`;

/**
 * Riders (participants) for organisers: search, one rider's results everywhere, fixing a name
 * or licence, merging two records of one person. Every change runs in one transaction with its
 * audit row and the pending marks of the boards it affects, and publishes one change event
 * after commit.
 */
@Injectable()
export class RidersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly riders: RidersRepository,
    private readonly pending: PendingRecalcRepository,
    private readonly audit: AuditTrail,
  ) {}

  async search(query: { q?: string; seriesId?: number }, window: PageWindow): Promise<{ total: number; items: RiderListItem[] }> {
    return this.tx.run(async ({ manager }) => {
      if (query.seriesId !== undefined && !(await this.riders.seriesExists(manager, query.seriesId))) throw new NotFoundError('Series', query.seriesId);
      const q = query.q === undefined ? null : collapseSpaces(query.q) || null;
      return this.riders.search(manager, { q, seriesId: query.seriesId ?? null, ...window });
    });
  }

  async get(id: number): Promise<RiderDetail> {
    return this.tx.run(({ manager }) => this.detail(manager, id));
  }

  /**
   * Fixes a name or licence. The boards that show the rider are marked pending, so their
   * standings take the new name on their next run; a licence held by another rider (or kept
   * as another rider's alias) is a 409 naming that rider. A PATCH that changes nothing writes
   * nothing, marks nothing and records no audit row.
   */
  async update(id: number, patch: RiderPatch): Promise<RiderDetail> {
    return this.tx.run(async (uow) => {
      const current = await this.riders.lockForEdit(uow.manager, id);
      if (!current) throw new NotFoundError('Rider', id);
      const next = {
        firstName: patch.firstName === undefined ? current.firstName : collapseSpaces(patch.firstName),
        lastName: patch.lastName === undefined ? current.lastName : collapseSpaces(patch.lastName),
        externalId: patch.externalId === undefined ? current.externalId : patch.externalId === null ? null : patch.externalId.trim(),
      };
      const changes = changedFields(current, next);
      if (changes === null) return this.detail(uow.manager, id);
      if (next.externalId !== null && next.externalId !== current.externalId) {
        const holder = await this.riders.licenceHolder(uow.manager, next.externalId, id);
        if (holder) {
          throw new ConflictError(
            `Licence ${next.externalId} already belongs to ${named(holder.rider)}${holder.viaAlias ? ' (kept as an alias when another rider was merged into them)' : ''}; `
            + `if they are the same person, merge one rider into the other (POST /api/participants/${id}/merge)`,
          );
        }
      }
      await this.riders.update(uow.manager, id, next);
      const boards = await this.riders.boardsOf(uow.manager, [id]);
      await this.pending.mark(uow.manager, boards);
      await this.audit.record(uow.manager, { action: 'participant.update', entity: 'participant', entityId: id, changes: { ...changes, leaderboardIds: boards } });
      uow.publishAfterCommit(new ParticipantsChangedEvent([id], 'UPDATED', boards));
      return this.detail(uow.manager, id);
    });
  }

  /**
   * Merges rider `id` into rider `intoId`, in one transaction: every result of `id` moves to
   * `intoId`, `id`'s name and licence (and its own aliases) become aliases of `intoId`, `id` is
   * deleted, the boards that read its results are marked pending, one audit row, one change event.
   *
   * Locks, in this order (a recalculation takes its board's lock and then writes rows that
   * reference riders, so boards come first): the advisory locks of the affected boards
   * (waiting for a running recalculation to finish); the rows of the events either rider has
   * results in, share-locked without waiting (an import holds its event's row for its whole
   * transaction: 409 while one runs); the two riders' rows, without waiting (see
   * RidersRepository.lockNoWait: 409 while another transaction writes results of the rider
   * merged away, or merges either).
   */
  async merge(id: number, intoId: number, reason: string | undefined): Promise<MergeOutcome> {
    if (id === intoId) throw new ConflictError(`Rider ${id} cannot be merged into itself; give the id of the other record of this person as intoId`);
    return this.tx.run(async (uow) => {
      const { manager } = uow;
      if (!(await this.riders.find(manager, id))) throw new NotFoundError('Rider', id);
      if (!(await this.riders.find(manager, intoId))) throw this.missingTarget(intoId);
      const boards = await this.riders.boardsOf(manager, [id]);
      for (const board of boards) await advisoryXactLock(manager, BOARD_LOCK_NAMESPACE, board);
      const events = await this.riders.eventsOf(manager, [id, intoId]);
      await this.noWait(() => this.riders.lockEventsNoWait(manager, events), async () => {
        const busy = await this.firstBusyEvent(events);
        return `An import or another change of ${busy} is running; merge when it has finished (nothing was changed)`;
      });
      // In id order, so that two merges of the same riders cannot deadlock.
      const locked = new Map<number, RiderRecord | null>();
      for (const rider of [id, intoId].sort((a, b) => a - b)) locked.set(rider, await this.lockNoWait(manager, rider, rider === id));
      const from = locked.get(id);
      const into = locked.get(intoId);
      if (!from) throw new NotFoundError('Rider', id);
      if (!into) throw this.missingTarget(intoId);
      // Rows committed between the first reads and the locks, in events or boards not locked: refused.
      await this.lockLateComers(manager, [id, intoId], events, boards);

      // Superseded versions (REPLACED) do not count: the merged rider's result goes from them (dropFromSuperseded).
      const races = await this.riders.sharedRaces(manager, id, intoId);
      const superseded = races.filter((s) => s.state === 'REPLACED');
      const shared = races.filter((s) => s.state !== 'REPLACED');
      if (shared.length > 0) {
        const races = shared.map((s) => `"${s.eventName}" (event ${s.eventId}), category "${s.category}" (result set ${s.resultSetId}, ${s.state})`);
        throw new ConflictError(
          `Both riders have a result in ${races.join('; ')}: one race cannot hold one rider twice. `
          + `Fix ${shared.length === 1 ? 'that race' : 'those races'} first (in a DRAFT or PROVISIONAL set, remove or re-assign one of the two rows; `
          + 'in an APPROVED or DELETED one, make a revision, fix it there and publish it), then merge',
        );
      }
      const dropped = await this.riders.dropFromSuperseded(manager, id, superseded.map((s) => s.resultSetId));
      const moved: MergeMoves = { ...(await this.riders.moveResults(manager, id, intoId)), supersededResultsDropped: dropped.length };
      const alias = await this.riders.addAlias(manager, intoId, from);
      await this.riders.delete(manager, id);
      await this.pending.mark(manager, boards);
      await this.audit.record(manager, {
        action: 'participant.merge',
        entity: 'participant',
        entityId: id,
        reason,
        changes: {
          before: { id: from.id, firstName: from.firstName, lastName: from.lastName, externalId: from.externalId },
          after: { mergedInto: into.id, firstName: into.firstName, lastName: into.lastName, externalId: into.externalId },
          moved: { ...moved, aliasId: alias.id },
          ...(dropped.length > 0 ? { droppedFromSuperseded: dropped } : {}),
          leaderboardIds: boards,
        },
      });
      uow.publishAfterCommit(new ParticipantsChangedEvent([id, intoId], 'MERGED', boards));
      return { mergedId: id, into: await this.detail(manager, intoId), moved, alias, leaderboardIds: boards };
    });
  }

  /** Removes one alias: later imports of that name or licence no longer find the rider. Audited; no board changes. */
  async deleteAlias(id: number, aliasId: number): Promise<void> {
    await this.tx.run(async ({ manager }) => {
      if (!(await this.riders.find(manager, id))) throw new NotFoundError('Rider', id);
      const alias = await this.riders.deleteAlias(manager, id, aliasId);
      if (!alias) throw new NotFoundError(`Alias of rider ${id}`, aliasId);
      await this.audit.record(manager, {
        action: 'participant.delete_alias',
        entity: 'participant',
        entityId: id,
        changes: { before: { alias: { id: alias.id, firstName: alias.firstName, lastName: alias.lastName, externalId: alias.externalId, mergedFrom: alias.mergedFrom } } },
      });
    });
  }

  private async detail(manager: EntityManager, id: number): Promise<RiderDetail> {
    const rider = await this.riders.find(manager, id);
    if (!rider) throw new NotFoundError('Rider', id);
    return { ...rider, aliases: await this.riders.aliasesOf(manager, id), results: await this.riders.resultsOf(manager, id) };
  }

  private missingTarget(intoId: number): ConflictError {
    return new ConflictError(`Rider ${intoId} does not exist (it may have been merged into another rider or never existed); merge into an existing rider`);
  }

  private lockNoWait(manager: EntityManager, id: number, forDelete: boolean): Promise<RiderRecord | null> {
    return this.noWait(() => this.riders.lockNoWait(manager, id, forDelete), async () =>
      `Rider ${id} is being changed by another transaction still running (an import or an edit of their results, or another merge); `
      + 'try again when it has finished (nothing was changed)');
  }

  /**
   * Rows of these riders committed between the first reads and the locks, in events or boards
   * not locked: rare, and retrying is simpler (and safer) than locking more while holding the
   * riders' locks.
   */
  private async lockLateComers(manager: EntityManager, riderIds: number[], events: number[], boards: number[]): Promise<void> {
    const lateEvents = (await this.riders.eventsOf(manager, riderIds)).filter((e) => !events.includes(e));
    const lateBoards = (await this.riders.boardsOf(manager, [riderIds[0]])).filter((b) => !boards.includes(b));
    if (lateEvents.length === 0 && lateBoards.length === 0) return;
    throw new ConflictError('Results of these riders changed while the merge began; try again (nothing was changed)');
  }

  private async firstBusyEvent(events: number[]): Promise<string> {
    // In a transaction of its own: the failed one refuses every statement after the error.
    const busy = await this.tx.run(({ manager }) => this.riders.busyEvent(manager, events));
    return busy ? `event ${busy.id} ("${busy.name}")` : 'an event of these riders';
  }

  private async noWait<T>(work: () => Promise<T>, message: () => Promise<string>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === LOCK_NOT_AVAILABLE) throw new ConflictError(await message());
      throw err;
    }
  }
}
