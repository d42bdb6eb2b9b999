import { EntityManager } from 'typeorm';
import { PUBLIC_STATES, ResultSetState } from '../../common/result-set-state';
import { GroupValues, prepareRows, ResultRowsRepository } from '../result-rows.repository';
import { ResultSetsRepository } from '../result-sets.repository';
import { ResultSet } from '../result-set.entity';
import { planTransition } from '../state-machine';
import type { RowSink } from './import-parser';

export type ImportState = 'DRAFT' | 'PROVISIONAL';
export type ImportAction = 'created' | 'replaced' | 'revision';

export interface ImportedCategory {
  category: string;
  resultSetId: number;
  action: ImportAction;
  state: ResultSetState;
  /** For a revision: the APPROVED set it revises. */
  revises: number | null;
  rows: number;
  warnings: string[];
}

interface Target {
  written: ImportedCategory;
  /** The set fed boards before the import, or does now. */
  feedsBoards: boolean;
  /** The riders written so far; the set's other riders are removed at the end. */
  riders: number[];
  /** Made by this import: it holds nothing but the rows written, so nothing is removed. */
  fresh: boolean;
}

const feeds = (state: ResultSetState | null) => state !== null && PUBLIC_STATES.includes(state);

/**
 * Writes an import's rows, category by category, inside the import's one transaction. The
 * first batch of a category picks its target set; each batch is merged into it; riders the
 * file no longer has are removed at the end. Nothing here commits: the caller's transaction
 * does, or rolls it all back.
 */
export class ImportWriter {
  private readonly targets = new Map<string, Target>();
  private readonly groups = new GroupValues();

  constructor(
    private readonly manager: EntityManager,
    private readonly sets: ResultSetsRepository,
    private readonly rows: ResultRowsRepository,
    private readonly scope: { eventId: number; seriesId: number; state: ImportState },
  ) {}

  /**
   * Merges rather than deletes and re-inserts: a re-imported file rewrites only the rows that
   * changed, so a corrected spreadsheet costs what the corrections cost. The batch's
   * parameters are built at once, while the database is still writing the batch before.
   */
  readonly write: RowSink = (category, rows) => {
    const batch = prepareRows(rows, this.groups);
    return async () => {
      let target = this.targets.get(category);
      if (!target) {
        target = await this.open(category);
        this.targets.set(category, target);
      }
      const riders = await this.rows.merge(this.manager, target.written.resultSetId, this.scope.seriesId, category, batch, this.groups);
      for (const id of riders) target.riders.push(id);
      target.written.rows += batch.size;
    };
  };

  /** Removes the riders the file no longer has, and bumps each set's updated_at once. */
  async finish(): Promise<{ written: ImportedCategory[]; feeding: string[] }> {
    const all = [...this.targets.values()];
    for (const { written, riders, fresh } of all) {
      if (!fresh) await this.rows.removeOthers(this.manager, written.resultSetId, riders);
      await this.sets.touch(this.manager, written.resultSetId);
    }
    return { written: all.map((t) => t.written), feeding: all.filter((t) => t.feedsBoards).map((t) => t.written.category) };
  }

  /**
   * The category's open set takes the rows: a new set in the requested state; a DRAFT or
   * PROVISIONAL set is replaced and moved to that state; an APPROVED set is left alone and its
   * DRAFT revision (made now, or the open one) takes the rows.
   */
  private async open(category: string): Promise<Target> {
    const { eventId, state } = this.scope;
    const open = await this.sets.openSetFor(this.manager, eventId, category);
    const written = (set: ResultSet, action: ImportAction, revises: number | null = null, warnings: string[] = []): ImportedCategory =>
      ({ category, resultSetId: set.id, action, state: set.state, revises, rows: 0, warnings });
    if (!open) {
      const set = await this.sets.create(this.manager, { eventId, category, state });
      return { written: written(set, 'created'), feedsBoards: feeds(set.state), riders: [], fresh: true };
    }
    if (open.state === 'APPROVED') {
      const revisionId = await this.sets.openRevisionOf(this.manager, open.id);
      const revision = revisionId !== null
        ? (await this.sets.lock(this.manager, revisionId)).set
        : await this.sets.create(this.manager, { eventId, category, state: 'DRAFT', replacesId: open.id });
      const warning = `Result set ${open.id} is APPROVED and was not changed; the rows went to its DRAFT revision ${revision.id}: check it, then publish it (POST /api/result-sets/${revision.id}/transitions)`;
      return { written: written(revision, 'revision', open.id, [warning]), feedsBoards: false, riders: [], fresh: revisionId === null };
    }
    const { set } = await this.sets.lock(this.manager, open.id);
    const before = set.state;
    if (planTransition(set, state).changes) {
      await this.sets.compareAndSetState(this.manager, set.id, [before], state);
      set.state = state;
    }
    return { written: written(set, 'replaced'), feedsBoards: feeds(before) || feeds(set.state), riders: [], fresh: false };
  }
}
