import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditTrail } from '../../audit/audit-trail';
import { UnitOfWork, TransactionRunner } from '../../common/database/transaction-runner';
import { InvalidInputError, RejectedInputError } from '../../common/errors/domain-errors';
import { ResultSetChangedEvent } from '../../common/events/catalogue';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { ParticipantsRepository } from '../participants.repository';
import { RaceRowsRepository } from '../race-rows.repository';
import { ResultSetsRepository, SetBefore } from '../result-sets.repository';
import { draftWarnings } from '../result-sets.service';
import { ImportProblem, parseImport } from './import-parser';
import { ImportedCategory, ImportState, ImportWriter } from './import-writer';
import { openSpreadsheet, UnreadableFileError } from './spreadsheet-reader';
import type { ResultStatus } from '../result-status';
import { StatusCodesRepository } from '../status-codes/status-codes.repository';
import { statusWords, unknownSynonymCode } from './cell-values';

/** Every row was checked and some are wrong: nothing was written. */
export class ImportValidationError extends RejectedInputError {
  override readonly details: { errors: ImportProblem[]; totalErrors: number };
  constructor(problems: ImportProblem[], total: number) {
    super(`The file has ${total} problem${total === 1 ? '' : 's'}; nothing was imported`);
    this.details = { errors: problems, totalErrors: total };
  }
}

/** The most problems one answer lists; `totalErrors` counts them all. */
export const MAX_REPORTED_PROBLEMS = 200;

/**
 * How many rows go to the database per statement (see ParseOptions). The defaults suit
 * production; tests pass small sizes to prove that where batches are cut changes nothing.
 */
export interface ImportBatching {
  batchSize?: number;
  minBatchSize?: number;
}
export const IMPORT_BATCHING = Symbol('IMPORT_BATCHING');

export interface ImportRequest {
  eventId: number;
  file: Buffer;
  /** Category of rows without a Category cell. */
  category?: string | null;
  /** State of the sets written (default PROVISIONAL); an APPROVED set gets a DRAFT revision instead. */
  state?: ImportState;
  /** The import's own status words: word → code, over the defaults (OTL → DNF, LAP → FIN). */
  statusSynonyms?: Readonly<Record<string, ResultStatus>>;
  /** The uploaded file's name, for the audit log. */
  fileName?: string | null;
  /** Who imports, when not an admin's HTTP request: `cli:<os user>` for the command. */
  actor?: string;
  /** Progress for the command-line importer: rows read so far, of the rows in the file. */
  onProgress?: (progress: { rowsRead: number; totalRows: number }) => void;
}

export interface ImportReport {
  eventId: number;
  format: 'xlsx' | 'csv';
  rows: number;
  categories: ImportedCategory[];
  unknownColumns: string[];
  warnings: string[];
  leaderboardIds: number[];
  /** False when the file matched what was stored: nothing marked, no change published. */
  changed: boolean;
}

/** The longest file name the audit log keeps. */
const MAX_FILE_NAME = 255;

/**
 * Spreadsheet imports: the whole import is one transaction (each category replaces its event
 * + category result set) that commits only if every row of the file passed its checks, and
 * one change event, so the debounce turns it into one run per board.
 */
@Injectable()
export class ResultsImportService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly sets: ResultSetsRepository,
    private readonly rows: RaceRowsRepository,
    private readonly participants: ParticipantsRepository,
    private readonly pending: PendingRecalcRepository,
    private readonly audit: AuditTrail,
    private readonly codes: StatusCodesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(IMPORT_BATCHING) private readonly batching: ImportBatching = {},
  ) {}

  async import(request: ImportRequest): Promise<ImportReport> {
    const { eventId } = request;
    const source = await openSpreadsheet(request.file, {
      maxZipEntries: this.config.importMaxZipEntries,
      maxUncompressedBytes: this.config.importMaxUncompressedBytes,
    });
    const state = request.state ?? 'PROVISIONAL';
    // Rows stream into this one transaction while the file is still being read; a problem
    // anywhere in the file rolls all of it back.
    return this.tx.run(async (uow) => {
      const { seriesId, labels } = await this.sets.lockEvent(uow.manager, eventId);
      const registered = await this.codes.registered(uow.manager);
      const unknownCode = request.statusSynonyms ? unknownSynonymCode(request.statusSynonyms, registered) : null;
      if (unknownCode) throw new InvalidInputError([{ field: 'statusSynonyms', message: unknownCode }]);
      const before = await this.sets.setsBeforeImport(uow.manager, eventId);
      const writer = new ImportWriter(uow.manager, this.sets, this.rows, this.participants, { eventId, seriesId, state });
      const parsed = await parseImport(source, {
        labels,
        category: request.category?.trim() || null,
        maxRows: this.config.importMaxRows,
        maxErrors: MAX_REPORTED_PROBLEMS,
        sink: writer.write,
        batchSize: this.batching.batchSize,
        minBatchSize: this.batching.minBatchSize,
        onRows: (rowsRead) => request.onProgress?.({ rowsRead, totalRows: source.totalRows }),
        statusWords: statusWords(request.statusSynonyms ?? {}, registered),
      });
      if (parsed.totalErrors > 0) throw new ImportValidationError(parsed.errors, parsed.totalErrors);
      if (parsed.rows === 0) throw new UnreadableFileError('The file has a header but no result rows');
      // Found only as rows are written, so only once the file has no other problem (the sink
      // gets nothing after the first): the answer then lists them all, however batches were cut.
      const clashes = await writer.clashes(MAX_REPORTED_PROBLEMS);
      if (clashes.total > 0) throw new ImportValidationError(clashes.errors, clashes.total);

      const { written, feeding } = await writer.finish();
      const onBoards = await this.pending.categoriesOnBoards(uow.manager, seriesId);
      for (const w of written) {
        if (!onBoards.has(w.category)) w.warnings.push(`No active leaderboard of this series reads category "${w.category}"; check its spelling`);
        // A revision's own warning already says it must be published.
        if (w.action !== 'revision') w.warnings.push(...draftWarnings({ id: w.resultSetId, state: w.state, replacesId: null }));
      }
      const changed = await this.changedSets(uow.manager, written, before);
      const leaderboardIds = changed.length > 0
        ? await this.publishChange(uow, eventId, seriesId, changed, feeding.filter((category) => changed.some((w) => w.category === category)))
        : [];
      const report: ImportReport = {
        eventId, format: source.format, rows: parsed.rows, categories: written, unknownColumns: parsed.unknownColumns, warnings: parsed.warnings,
        leaderboardIds, changed: changed.length > 0,
      };
      await this.recordImport(uow.manager, request, report, changed);
      return report;
    });
  }

  /**
   * The sets this import changed: made by it, moved to another state, with rows added, removed
   * or rewritten, or with a rider renamed. A re-import of the same file changes none.
   */
  private async changedSets(manager: EntityManager, written: ImportedCategory[], before: Map<number, SetBefore>): Promise<ImportedCategory[]> {
    const now = await this.sets.writtenInThisTransaction(manager, written.map((w) => w.resultSetId));
    return written.filter((w) => {
      const was = before.get(w.resultSetId);
      const is = now.get(w.resultSetId)!;
      return !was || was.state !== w.state || was.rows !== is.rows || is.written;
    });
  }

  /**
   * One audit row per import, on the event: the file (name, size, sha256) and what became of
   * each category. Also when nothing changed, so "who re-imported round 3?" has an answer.
   */
  private async recordImport(manager: EntityManager, request: ImportRequest, report: ImportReport, changed: ImportedCategory[]): Promise<void> {
    const name = request.fileName ? request.fileName.slice(0, MAX_FILE_NAME) : null;
    const sha256 = createHash('sha256').update(request.file).digest('hex');
    await this.audit.record(manager, {
      action: 'event.import',
      entity: 'event',
      entityId: report.eventId,
      actor: request.actor,
      changes: {
        file: { name, size: request.file.length, sha256, format: report.format },
        // The import's own status words read the file: part of what it was asked to do.
        ...(request.statusSynonyms ? { statusSynonyms: request.statusSynonyms } : {}),
        rows: report.rows,
        changed: report.changed,
        sets: report.categories.map(({ resultSetId, category, action, state, rows }) =>
          ({ resultSetId, category, action, state, rows, changed: changed.some((w) => w.resultSetId === resultSetId) })),
        leaderboardIds: report.leaderboardIds,
      },
    });
  }

  /** One change event for the whole import; the boards of the published categories are marked in its transaction. */
  private async publishChange(uow: UnitOfWork, eventId: number, seriesId: number, written: ImportedCategory[], feeding: string[]): Promise<number[]> {
    const boards = feeding.length > 0 ? await this.pending.markAffected(uow.manager, eventId, feeding) : [];
    const ids = written.map((w) => w.resultSetId);
    uow.publishAfterCommit(new ResultSetChangedEvent(ids[0], eventId, seriesId, written.map((w) => w.category), 'IMPORTED', boards, ids));
    return boards;
  }
}
