import { EntityManager } from 'typeorm';
import { PUBLIC_STATES, ResultSetState } from '../../common/result-set-state';
import { GroupValues } from '../../series/custom-group-values.repository';
import { ParticipantsRepository } from '../participants.repository';
import { MatchScope, MergedBatch, PreparedRows, prepareRows, RaceRowsRepository } from '../race-rows.repository';
import { spelling } from '../rider-identity';
import { ResultSetsRepository } from '../result-sets.repository';
import { ResultSet } from '../result-set.entity';
import { planTransition } from '../state-machine';
import type { ImportProblem, ParsedRow, RowSink } from './import-parser';

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
  /**
   * The riders written so far, each with the first row that has them: a later row that comes
   * to one of them is refused; the set's other riders are removed at the end.
   */
  riders: Map<number, { sheet: string | null; row: number }>;
  /** Made by this import: it holds nothing but the rows written, so nothing is removed. */
  fresh: boolean;
  /** Riders whose row must move to other groups at the end, with those groups' ids (custom1..3). */
  regroup: { riders: number[]; custom: (number | null)[][] };
}

/** A rider of this import, by rider key: which participant, and the spelling the name ends up with. */
interface Rider {
  id: number;
  /** The row whose spelling counts: the last in the file for a licence, else the first. */
  seq: number;
  person: ParsedRow['participant'];
  /** The spelling on file may differ from `person`'s. */
  rename: boolean;
}

const feeds = (state: ResultSetState | null) => state !== null && PUBLIC_STATES.includes(state);

const unwritten = (fresh: boolean): Pick<Target, 'fresh' | 'riders' | 'regroup'> => ({ fresh, riders: new Map(), regroup: { riders: [], custom: [[], [], []] } });

const where = (sheet: string | null, row: number) => `row ${row}${sheet === null ? '' : ` of sheet "${sheet}"`}`;

/**
 * Writes an import's rows, category by category, inside the import's one transaction. The
 * first batch of a category picks its target set; each batch is merged into it; riders the
 * file no longer has are removed at the end. Nothing here commits: the caller's transaction
 * does, or rolls it all back.
 *
 * Who each row is must not depend on which rows shared a statement. So every row is matched
 * against the riders as they were before the import (see riderCtes), rows with one rider key
 * share one participant across categories, and two rows of one category that come to the
 * same participant refuse the import (`clashes`): one set cannot hold a rider twice, and
 * which of the two rows is that rider is the organiser's to say.
 */
export class ImportWriter {
  private readonly targets = new Map<string, Target>();
  private readonly groups = new GroupValues();
  private readonly riders = new Map<string, Rider>();
  private readonly clashing: { row: ParsedRow; first: { sheet: string | null; row: number }; id: number; category: string }[] = [];
  private match: MatchScope | null = null;

  constructor(
    private readonly manager: EntityManager,
    private readonly sets: ResultSetsRepository,
    private readonly rows: RaceRowsRepository,
    private readonly participants: ParticipantsRepository,
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
      this.match ??= await this.rows.matchScope(this.manager);
      let target = this.targets.get(category);
      if (!target) {
        target = await this.open(category);
        this.targets.set(category, target);
      }
      // Rider keys repeat only across categories (CategoryChecks refuses them within one).
      const given = this.targets.size > 1 ? this.given(rows) : null;
      const merged = await this.rows.merge(this.manager, target.written.resultSetId, this.scope.seriesId, category, batch, this.groups, this.match, given);
      this.record(target, rows, batch, merged);
      target.written.rows += batch.size;
    };
  };

  /** Rows that came to a rider another row of their category has, in file order: if any, the import must be refused. */
  async clashes(max: number): Promise<{ errors: ImportProblem[]; total: number }> {
    const shown = this.clashing.sort((a, b) => a.row.seq - b.row.seq).slice(0, max);
    const names = await this.participants.namesOf(this.manager, shown.map((c) => c.id));
    const errors = shown.map(({ row, first, id, category }) => ({
      sheet: row.sheet, row: row.row, column: null,
      message: `the same rider as ${where(first.sheet, first.row)} in category "${category}": both rows match ${names.get(id) ?? `participant ${id}`}, a rider already on file who could be either; add a licence to the row that is someone else`,
    }));
    return { errors, total: this.clashing.length };
  }

  /**
   * Moves the rows whose groups changed, removes the riders the file no longer has, saves the
   * new spellings of names, and bumps each set's updated_at once.
   */
  async finish(): Promise<{ written: ImportedCategory[]; feeding: string[] }> {
    const all = [...this.targets.values()];
    for (const { written, riders, fresh, regroup } of all) {
      await this.rows.regroup(this.manager, written.resultSetId, regroup.riders, regroup.custom);
      if (!fresh) await this.rows.removeOthers(this.manager, written.resultSetId, [...riders.keys()]);
      await this.sets.touch(this.manager, written.resultSetId);
    }
    const renames = [...this.riders.values()].filter((r) => r.rename)
      .map(({ id, person }) => ({ id, ...spelling(person), ifCreated: !person.externalId }));
    if (this.match) await this.participants.rename(this.manager, this.match.xid, renames);
    return { written: all.map((t) => t.written), feeding: all.filter((t) => t.feedsBoards).map((t) => t.written.category) };
  }

  /** The participant each row without a licence already has in this import (from another category), or null. */
  private given(rows: ParsedRow[]): (number | null)[] | null {
    let found = false;
    const ids = rows.map((row) => {
      const id = row.participant.externalId ? undefined : this.riders.get(row.key)?.id;
      if (id === undefined) return null;
      found = true;
      return id;
    });
    return found ? ids : null;
  }

  private record(target: Target, rows: ParsedRow[], batch: PreparedRows, merged: MergedBatch): void {
    const { ids, renamed, regrouped } = merged;
    const category = target.written.category;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const id = ids[i];
      const first = target.riders.get(id);
      if (first === undefined) target.riders.set(id, { sheet: row.sheet, row: row.row });
      else this.clashing.push({ row, first, id, category });
      this.remember(row, id);
    }
    for (const i of renamed) this.riders.get(rows[i].key)!.rename = true;
    if (regrouped.length > 0) {
      const at = new Map(ids.map((id, i) => [id, i]));
      for (const id of regrouped) {
        const i = at.get(id)!;
        target.regroup.riders.push(id);
        // merge has looked every group of the batch up by now.
        for (const slot of [1, 2, 3] as const) {
          const name = batch.groupNames[slot - 1][i];
          target.regroup.custom[slot - 1].push(name === null ? null : this.groups.get(slot, name));
        }
      }
    }
  }

  /**
   * Keeps, per rider key, the participant and the spelling that wins: the last row in the
   * file for a licence ("the latest spelling is saved"), else the first (the name a new rider
   * is created with). File order, not the order batches were written in, which is not the
   * file's across categories.
   */
  private remember(row: ParsedRow, id: number): void {
    const known = this.riders.get(row.key);
    if (!known) {
      this.riders.set(row.key, { id, seq: row.seq, person: row.participant, rename: false });
      return;
    }
    const [was, is] = [spelling(known.person), spelling(row.participant)];
    if (was.firstName === is.firstName && was.lastName === is.lastName) return;
    known.rename = true;
    if (row.participant.externalId ? row.seq > known.seq : row.seq < known.seq) Object.assign(known, { seq: row.seq, person: row.participant });
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
      return { written: written(set, 'created'), feedsBoards: feeds(set.state), ...unwritten(true) };
    }
    if (open.state === 'APPROVED') {
      const revisionId = await this.sets.openRevisionOf(this.manager, open.id);
      const revision = revisionId !== null
        ? (await this.sets.lock(this.manager, revisionId)).set
        : await this.sets.create(this.manager, { eventId, category, state: 'DRAFT', replacesId: open.id });
      const warning = `Result set ${open.id} is APPROVED and was not changed; the rows went to its DRAFT revision ${revision.id}: check it, then publish it (POST /api/result-sets/${revision.id}/transitions)`;
      return { written: written(revision, 'revision', open.id, [warning]), feedsBoards: false, ...unwritten(revisionId === null) };
    }
    const { set } = await this.sets.lock(this.manager, open.id);
    const before = set.state;
    if (planTransition(set, state).changes) {
      await this.sets.compareAndSetState(this.manager, set.id, [before], state);
      set.state = state;
    }
    return { written: written(set, 'replaced'), feedsBoards: feeds(before) || feeds(set.state), ...unwritten(false) };
  }
}
