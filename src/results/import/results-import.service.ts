import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork, TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError } from '../../common/errors/domain-errors';
import { ResultSetChangedEvent } from '../../common/events/catalogue';
import { PUBLIC_STATES, ResultSetState } from '../../common/result-set-state';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PendingMarksRepository } from '../../outbox/pending-marks.repository';
import { ResultRowsRepository } from '../result-rows.repository';
import { ResultSetsRepository } from '../result-sets.repository';
import { ResultSet } from '../result-set.entity';
import { planTransition } from '../state-machine';
import { ImportProblem, parseImport, ParsedCategory } from './import-parser';
import { openSpreadsheet, UnreadableFileError } from './spreadsheet-reader';

/** Every row was checked and some are wrong: nothing was written. */
export class ImportValidationError extends DomainError {
  readonly status = 422;
  override readonly details: { errors: ImportProblem[]; totalErrors: number };
  constructor(problems: ImportProblem[], total: number) {
    super(`The file has ${total} problem${total === 1 ? '' : 's'}; nothing was imported`);
    this.details = { errors: problems, totalErrors: total };
  }
}

/** The most problems one answer lists; `totalErrors` counts them all. */
export const MAX_REPORTED_PROBLEMS = 200;

export type ImportState = 'DRAFT' | 'PROVISIONAL';

export interface ImportRequest {
  eventId: number;
  file: Buffer;
  /** Category of rows without a Category cell. */
  category?: string | null;
  /** State of the sets written (default PROVISIONAL); an APPROVED set gets a DRAFT revision instead. */
  state?: ImportState;
  /** Progress for the command-line importer: rows read, then categories written. */
  onProgress?: (progress: { phase: 'read' | 'write'; done: number; total?: number }) => void;
}

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

export interface ImportReport {
  eventId: number;
  format: 'xlsx' | 'csv';
  rows: number;
  categories: ImportedCategory[];
  unknownColumns: string[];
  warnings: string[];
  leaderboardIds: number[];
}

/**
 * Spreadsheet imports: every row is read and checked before anything is written; then the
 * whole import is one transaction (each category replaces its event + category result set)
 * and one change event, so the debounce turns it into one run per board.
 */
@Injectable()
export class ResultsImportService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly sets: ResultSetsRepository,
    private readonly rows: ResultRowsRepository,
    private readonly pending: PendingMarksRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async import(request: ImportRequest): Promise<ImportReport> {
    const { eventId, onProgress } = request;
    const { seriesId, labels } = await this.tx.run((uow) => this.sets.eventContext(uow.manager, eventId));
    const source = await openSpreadsheet(request.file, {
      maxZipEntries: this.config.importMaxZipEntries,
      maxUncompressedBytes: this.config.importMaxUncompressedBytes,
    });
    const parsed = await parseImport(source, {
      labels,
      category: request.category?.trim() || null,
      maxRows: this.config.importMaxRows,
      maxErrors: MAX_REPORTED_PROBLEMS,
      onRows: (done) => onProgress?.({ phase: 'read', done }),
    });
    if (parsed.totalErrors > 0) throw new ImportValidationError(parsed.errors, parsed.totalErrors);
    if (parsed.categories.length === 0) throw new UnreadableFileError('The file has a header but no result rows');

    const state = request.state ?? 'PROVISIONAL';
    return this.tx.run(async (uow) => {
      await this.sets.lockEvent(uow.manager, eventId);
      const onBoards = await this.pending.categoriesOnBoards(uow.manager, seriesId);
      const written: ImportedCategory[] = [];
      const feeding: string[] = [];
      for (const category of parsed.categories) {
        const outcome = await this.writeCategory(uow.manager, eventId, seriesId, category, state);
        if (!onBoards.has(category.category)) outcome.written.warnings.push(`No active leaderboard of this series reads category "${category.category}"; check its spelling`);
        if (outcome.feedsBoards) feeding.push(category.category);
        written.push(outcome.written);
        onProgress?.({ phase: 'write', done: written.length, total: parsed.categories.length });
      }
      const leaderboardIds = await this.publishChange(uow, eventId, seriesId, written, feeding);
      return {
        eventId,
        format: source.format,
        rows: parsed.rows,
        categories: written,
        unknownColumns: parsed.unknownColumns,
        warnings: parsed.warnings,
        leaderboardIds,
      };
    });
  }

  /**
   * The category's open set takes the rows: a new set in the requested state; a DRAFT or
   * PROVISIONAL set is replaced and moved to that state; an APPROVED set is left alone and its
   * DRAFT revision (made now, or the open one) takes the rows.
   */
  private async writeCategory(manager: EntityManager, eventId: number, seriesId: number, parsed: ParsedCategory, state: ImportState) {
    const { category, rows } = parsed;
    const open = await this.sets.openSetFor(manager, eventId, category);
    let target: ResultSet;
    let action: ImportAction;
    let before: ResultSetState | null = null;
    const warnings: string[] = [];
    if (!open) {
      target = await this.sets.create(manager, { eventId, category, state });
      action = 'created';
    } else if (open.state === 'APPROVED') {
      const revisionId = await this.sets.openRevisionOf(manager, open.id);
      target = revisionId !== null
        ? (await this.sets.lock(manager, revisionId)).set
        : await this.sets.create(manager, { eventId, category, state: 'DRAFT', replacesId: open.id });
      action = 'revision';
      warnings.push(`Result set ${open.id} is APPROVED and was not changed; the rows went to its DRAFT revision ${target.id}: check it, then publish it (POST /api/result-sets/${target.id}/transitions)`);
    } else {
      target = (await this.sets.lock(manager, open.id)).set;
      before = target.state;
      action = 'replaced';
      const plan = planTransition(target, state);
      if (plan.changes) {
        await this.sets.compareAndSetState(manager, target.id, [target.state], state);
        target.state = state;
      }
    }
    await this.rows.deleteAll(manager, target.id);
    await this.rows.insert(manager, target.id, seriesId, category, rows);
    await this.sets.touch(manager, target.id);
    const feeds = (s: ResultSetState | null) => s !== null && PUBLIC_STATES.includes(s);
    return {
      feedsBoards: feeds(before) || feeds(target.state),
      written: { category, resultSetId: target.id, action, state: target.state, revises: action === 'revision' ? open!.id : null, rows: rows.length, warnings },
    };
  }

  /** One change event for the whole import; the boards of the published categories are marked in its transaction. */
  private async publishChange(uow: UnitOfWork, eventId: number, seriesId: number, written: ImportedCategory[], feeding: string[]): Promise<number[]> {
    const boards = feeding.length > 0 ? await this.pending.markAffected(uow.manager, eventId, feeding) : [];
    const ids = written.map((w) => w.resultSetId);
    uow.publishAfterCommit(new ResultSetChangedEvent(ids[0], eventId, seriesId, written.map((w) => w.category), 'IMPORTED', boards, ids));
    return boards;
  }
}
