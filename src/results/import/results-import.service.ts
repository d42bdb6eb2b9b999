import { Inject, Injectable, Optional } from '@nestjs/common';
import { UnitOfWork, TransactionRunner } from '../../common/database/transaction-runner';
import { RejectedInputError } from '../../common/errors/domain-errors';
import { ResultSetChangedEvent } from '../../common/events/catalogue';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { ParticipantsRepository } from '../participants.repository';
import { RaceRowsRepository } from '../race-rows.repository';
import { ResultSetsRepository } from '../result-sets.repository';
import { ImportProblem, parseImport } from './import-parser';
import { ImportedCategory, ImportState, ImportWriter } from './import-writer';
import { openSpreadsheet, UnreadableFileError } from './spreadsheet-reader';
import type { ResultStatus } from '../result-status';
import { statusWords } from './cell-values';

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
}

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
        statusWords: request.statusSynonyms ? statusWords(request.statusSynonyms) : undefined,
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
      }
      const leaderboardIds = await this.publishChange(uow, eventId, seriesId, written, feeding);
      return { eventId, format: source.format, rows: parsed.rows, categories: written, unknownColumns: parsed.unknownColumns, warnings: parsed.warnings, leaderboardIds };
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
