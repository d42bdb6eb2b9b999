import type { ResultStatus } from '../result-status';
import { IncomingRow, riderKey } from '../rider-identity';
import { CellValue, cellText, parsePlace, parseStatus, parseTime, splitName, STATUS_WORDS, StatusWords } from './cell-values';
import { PLACED_RESULT_STATUSES, placeIgnored } from '../result-status';
import type { SlotLabels } from '../result-sets.repository';
import { HeaderMap, headerDictionary, ImportField, looksLikeHeader, mapHeader } from './header-mapping';
import { FileTooLargeError, SheetSource, UnreadableFileError } from './spreadsheet-reader';
import { NUL } from '../../common/input/input-shape';

/** PostgreSQL text cannot hold a NUL; the CSV binary check reads only the file's start. */
const NUL_IN_CELL = 'contains a NUL character (\\u0000); remove it';

/** One problem with one cell (or row) of the upload, as the 422 answer lists them. */
export interface ImportProblem {
  /** Worksheet name; null for CSV. */
  sheet: string | null;
  /** Spreadsheet row number (1-based, as the organiser sees it). */
  row: number;
  /** The column's header as written in the file; null for a problem with the whole row. */
  column: string | null;
  message: string;
}

export interface ParsedRow extends IncomingRow {
  sheet: string | null;
  row: number;
  /** The place was marked as shared ("=3"). */
  tied: boolean;
  /** The row's place among the file's result rows (1-based, across sheets): file order. */
  seq: number;
  /** Who the row is for "the same rider" checks (riderKey). */
  key: string;
}

export interface ParsedImport {
  /** Categories in the order they first appear, with the rows each has. */
  categories: { category: string; rows: number }[];
  rows: number;
  unknownColumns: string[];
  warnings: string[];
  /** The first `maxErrors` problems, in file order. */
  errors: ImportProblem[];
  totalErrors: number;
}

/**
 * Receives the checked rows of one category in file order, a batch at a time: it is called
 * as soon as a batch is cut (to prepare it, while the database is busy with the batch
 * before), and the write it returns runs once the batches before it are written. Writes are
 * chained (one at a time) but not awaited by the reader, so the database works on one batch
 * while the next is parsed. An idle sink gets what has gathered (from `minBatchSize` rows)
 * rather than wait for a full batch.
 */
export type RowSink = (category: string, rows: ParsedRow[]) => () => Promise<void>;

export interface ParseOptions {
  labels: SlotLabels;
  /** Category of rows that have no Category cell (the `category` form field). */
  category: string | null;
  maxRows: number;
  maxErrors: number;
  sink: RowSink;
  /** Most rows per sink call. */
  batchSize?: number;
  /** Fewest rows per sink call while the sink is idle (the last batch of a category may be smaller). */
  minBatchSize?: number;
  /** Called every few thousand rows (the CLI's progress bar). */
  onRows?: (rowsRead: number) => void;
  /** The words read as a status (default: every code, DQ, OTL → DNF, LAP → FIN; the import's statusSynonyms on top). */
  statusWords?: StatusWords;
}

/**
 * Batches handed to the sink and waiting behind the one being written, at most: one, so the
 * next statement is prepared when the database finishes the one before.
 */
const BATCHES_AHEAD = 1;
/** Rows whose dropped place is named in the warnings; past it, one line counts the rest. */
const NAMED_PLACE_WARNINGS = 20;

/** Rows above the header that may hold titles, dates and logos. */
const HEADER_SEARCH_ROWS = 20;
const MAX_PLACE = 100_000;
const LIMITS = { bib: 20, licence: 50, name: 100, custom: 200, category: 100 } as const;
/** Sheet names a spreadsheet program gives by default: not a category. */
const DEFAULT_SHEET_NAME = /^(sheet|feuil|tabelle|hoja|foglio|blad)\s*\d*$/i;

/**
 * Reads every row of every sheet, checks it, and hands the good rows to the sink by
 * category; collects every problem rather than stopping at the first, so one answer lists
 * all there is to fix. Once there is a problem the sink gets nothing more: the caller rolls
 * back what it had.
 */
export function parseImport(source: SheetSource, options: ParseOptions): Promise<ParsedImport> {
  return new ImportReader(source, options).read();
}

class ImportReader {
  private readonly dictionary: Map<string, ImportField>;
  private readonly byCategory = new Map<string, CategoryChecks>();
  private readonly problems: ProblemList;
  private readonly batchSize: number;
  private readonly unknownColumns = new Set<string>();
  private readonly warnings: string[] = [];
  private readonly minBatchSize: number;
  private rows = 0;
  /** Non-finishers whose place was dropped (the first NAMED_PLACE_WARNINGS are named in the warnings). */
  private placesIgnored = 0;
  private readonly rowContext: RowContext;
  /** The sink's batches, chained: at most one runs at a time, in file order. */
  private inflight: Promise<void> = Promise.resolve();
  /** Batches handed to the sink and not yet done. */
  private pending = 0;
  /** Each of those batches' end (written or failed), oldest first: the reader waits on them. */
  private readonly queued: Promise<void>[] = [];
  private sinkFailed = false;
  /** Reading is over: only read() itself hands the sink the last rows. */
  private closed = false;

  constructor(private readonly source: SheetSource, private readonly options: ParseOptions) {
    this.dictionary = headerDictionary(options.labels);
    this.rowContext = {
      words: options.statusWords ?? STATUS_WORDS,
      placeIgnored: (where, message) => {
        this.placesIgnored += 1;
        if (this.placesIgnored <= NAMED_PLACE_WARNINGS) this.warnings.push(`${where.sheet === null ? '' : `Sheet "${where.sheet}" `}row ${where.row}: ${message}`);
      },
    };
    this.problems = new ProblemList(options.maxErrors);
    this.batchSize = options.batchSize ?? 5000;
    this.minBatchSize = Math.min(options.minBatchSize ?? 1000, this.batchSize);
  }

  async read(): Promise<ParsedImport> {
    try {
      await this.readSheets();
    } catch (err) {
      // The caller rolls back on this error: no batch may still be writing when it does, or
      // its later statements would run after the ROLLBACK, outside the transaction.
      this.closed = true;
      await this.inflight.catch(() => undefined);
      throw err;
    }
    this.closed = true;
    this.options.onRows?.(this.rows);
    if (this.placesIgnored > NAMED_PLACE_WARNINGS) this.warnings.push(`${this.placesIgnored - NAMED_PLACE_WARNINGS} more non-finishers had a place; it was ignored`);
    for (const checks of this.byCategory.values()) checks.checkPlaces(this.problems);
    for (const checks of this.byCategory.values()) this.flush(checks);
    const sinkError = await this.inflight.then(() => null, (err: unknown) => err);
    // Problems with the file come first: they are the organiser's to fix, and nothing is kept either way.
    if (sinkError !== null && this.problems.total === 0) throw sinkError;
    return {
      categories: [...this.byCategory.values()].map((c) => ({ category: c.category, rows: c.count })),
      rows: this.rows,
      unknownColumns: [...this.unknownColumns],
      warnings: this.warnings,
      errors: this.problems.sorted(),
      totalErrors: this.problems.total,
    };
  }

  private flush(checks: CategoryChecks): void {
    const batch = checks.batch.splice(0);
    if (batch.length === 0 || this.problems.total > 0) return;
    this.pending += 1;
    const write = this.options.sink(checks.category, batch);
    this.inflight = this.inflight
      .then(() => write())
      .then(() => this.batchDone(), (err: unknown) => {
        this.sinkFailed = true;
        throw err;
      });
    // Surfaced by read(); until then a failed batch must not be an unhandled rejection.
    const settled = this.inflight.catch(() => undefined);
    this.queued.push(settled);
    void settled.then(() => this.queued.shift());
  }

  /**
   * Backpressure: the reader stays at most BATCHES_AHEAD batches ahead of the database. The
   * database is the slower side of an import of new riders; unchecked, the reader parsed the
   * whole file ahead of it and every row waited in memory twice (checked rows, and their
   * batch's statement parameters), all of it alive at once.
   */
  private async keepPace(): Promise<void> {
    while (this.queued.length > BATCHES_AHEAD) await this.queued[0];
  }

  /** A full batch goes at once; a smaller one only while the sink would otherwise sit idle. */
  private flushIfDue(checks: CategoryChecks): void {
    const size = checks.batch.length;
    if (size >= this.batchSize || (this.pending === 0 && size >= this.minBatchSize)) this.flush(checks);
  }

  /**
   * The sink caught up with the reader. Between two rows of the reader: the rows gathered
   * meanwhile go now, so the database is not idle while the reader fills a batch.
   */
  private batchDone(): void {
    this.pending -= 1;
    if (this.pending > 0 || this.sinkFailed || this.closed) return;
    for (const checks of this.byCategory.values()) {
      if (checks.batch.length >= this.minBatchSize) return this.flush(checks);
    }
  }

  private async readSheets(): Promise<void> {
    for await (const { start, rows: sheetRows } of this.source.sheets()) {
      const where = start.sheet === null ? 'The file' : `Sheet "${start.sheet}"`;
      if (start.hidden) {
        this.warnings.push(`${where} is hidden; skipped`);
        for await (const chunk of sheetRows) void chunk;
        continue;
      }
      let header: HeaderMap | null = null;
      let sheetCategory: string | null = null;
      let seen = 0;
      let tabular = false;
      let dataRows = 0;
      for await (const chunk of sheetRows) {
        for (const { sheet, row, cells } of chunk) {
          if (header !== null) {
            if (isBlank(cells)) continue;
          } else {
            const texts = cells.map((c) => cellText(c));
            const filled = texts.reduce((n, t) => (t === null ? n : n + 1), 0);
            if (filled === 0) continue;
            seen += 1;
            if (filled > 1) tabular = true;
            const candidate = mapHeader(texts, this.dictionary);
            if (looksLikeHeader(candidate)) {
              header = candidate;
              sheetCategory = categoryOfSheet(header, start.sheet, this.options.category, this.source.format, where);
              candidate.unknown.forEach((u) => this.unknownColumns.add(u));
              for (const d of candidate.duplicates) this.warnings.push(`${where}: column "${d}" repeats another column; only the first is read`);
            } else if (seen >= HEADER_SEARCH_ROWS && tabular) {
              throw new UnreadableFileError(noHeader(where));
            }
            continue;
          }
          dataRows += 1;
          this.addRow(header, sheetCategory, { sheet, row }, cells);
        }
        await this.keepPace();
      }
      if (header === null && tabular) throw new UnreadableFileError(noHeader(where));
      if (header === null) this.warnings.push(`${where} has no table (a cover or notes sheet); skipped`);
      else if (dataRows === 0) this.warnings.push(`${where} has a header but no result rows; skipped`);
    }
  }

  private addRow(header: HeaderMap, sheetCategory: string | null, where: Where, cells: CellValue[]): void {
    this.rows += 1;
    if (this.rows > this.options.maxRows) {
      throw new FileTooLargeError(`The file has more than ${this.options.maxRows} result rows; split it into several imports`);
    }
    if (this.rows % 5000 === 0) this.options.onRows?.(this.rows);
    const parsed = parseRow(header, cells, where, this.problems, this.rowContext);
    const category = cellText(cell(cells, header, 'category')) ?? sheetCategory;
    const column = header.titles.get('category') ?? null;
    if (category === null) {
      this.problems.add({ ...where, column, message: 'no category: fill in the Category cell, or send the category field' });
    } else if (category.length > LIMITS.category) {
      this.problems.add({ ...where, column, message: `category is longer than ${LIMITS.category} characters` });
    } else if (category.includes(NUL)) {
      this.problems.add({ ...where, column, message: `category ${NUL_IN_CELL}` });
    } else if (parsed) {
      parsed.seq = this.rows;
      let checks = this.byCategory.get(category);
      if (!checks) this.byCategory.set(category, (checks = new CategoryChecks(category)));
      if (checks.add(parsed, this.problems)) this.flushIfDue(checks);
    }
  }
}

function isBlank(cells: CellValue[]): boolean {
  for (const c of cells) if (cellText(c) !== null) return false;
  return true;
}

function noHeader(where: string): string {
  return `${where} has no recognisable header row: expected a row with Name (or First Name and Last Name) and columns such as Place, Bib, Category, Time, Status`;
}

/** Rows without a Category cell take the form field, else the sheet's name (unless it is "Sheet1"). */
function categoryOfSheet(header: HeaderMap, sheet: string | null, field: string | null, format: string, where: string): string | null {
  if (header.columns.has('firstName') !== header.columns.has('lastName') && !header.columns.has('name')) {
    throw new UnreadableFileError(`${where} has ${header.columns.has('firstName') ? 'First Name but no Last Name' : 'Last Name but no First Name'} column; give both, or one Name column`);
  }
  if (field !== null) return field;
  if (format === 'xlsx' && sheet !== null && !DEFAULT_SHEET_NAME.test(sheet.trim())) return sheet.trim();
  if (header.columns.has('category')) return null;
  throw new UnreadableFileError(
    format === 'xlsx'
      ? `${where} has no Category column and its name is not a category; name each sheet after its category, add a Category column, or send the category field`
      : 'The file has no Category column; add one, or send the category field',
  );
}

function cell(cells: CellValue[], header: HeaderMap, field: ImportField): CellValue {
  const index = header.columns.get(field);
  return index === undefined ? null : cells[index];
}

interface Where {
  sheet: string | null;
  row: number;
}

/** What a row is read with besides its cells: the status words, and where a dropped place is told. */
interface RowContext {
  words: StatusWords;
  placeIgnored(where: Where, message: string): void;
}

/** One data row, or null when it has problems (they are added to the list). */
function parseRow(header: HeaderMap, cells: CellValue[], where: Where, problems: ProblemList, context: RowContext): ParsedRow | null {
  const before = problems.total;
  const report = (field: ImportField | null, message: string) =>
    problems.add({ ...where, column: field === null ? null : header.titles.get(field) ?? null, message });
  const text = (field: ImportField, max: number): string | null => {
    const value = cellText(cell(cells, header, field));
    if (value !== null && value.length > max) report(field, `longer than ${max} characters`);
    else if (value !== null && value.includes(NUL)) report(field, NUL_IN_CELL);
    return value;
  };

  let firstName = text('firstName', LIMITS.name);
  let lastName = text('lastName', LIMITS.name);
  if (firstName === null && lastName === null && header.columns.has('name')) {
    const full = cellText(cell(cells, header, 'name'));
    if (full !== null && full.includes(NUL)) {
      report('name', NUL_IN_CELL);
    } else if (full !== null) {
      const split = splitName(full);
      if (!split.ok) report('name', split.message);
      else if (split.value.firstName.length > LIMITS.name || split.value.lastName.length > LIMITS.name) {
        report('name', `first and last name may each be at most ${LIMITS.name} characters`);
      } else {
        ({ firstName, lastName } = split.value);
      }
    } else {
      report('name', 'a name is required');
    }
  } else if (firstName === null || lastName === null) {
    report(firstName === null ? 'firstName' : 'lastName', 'a name is required: give first and last name');
  }

  const statusCell = parseStatus(cell(cells, header, 'status'), context.words);
  if (!statusCell.ok) report('status', statusCell.message);
  const place = parsePlace(cell(cells, header, 'place'), MAX_PLACE, context.words);
  if (!place.ok) report('place', place.message);
  let status: ResultStatus = statusCell.ok ? statusCell.value : 'FIN';
  let position: number | null = null;
  if (place.ok) {
    position = place.value.position;
    if (place.value.status !== null) {
      if (statusCell.ok && statusCell.value !== 'FIN' && statusCell.value !== place.value.status) {
        report('place', `place says ${place.value.status} but status says ${statusCell.value}`);
      }
      status = place.value.status;
    }
    // Timing systems export a DNF with the place it stopped at: kept as a DNF, the place dropped, a warning.
    if (position !== null && !PLACED_RESULT_STATUSES.includes(status)) {
      context.placeIgnored(where, placeIgnored(status, position));
      position = null;
    }
  }
  const time = parseTime(cell(cells, header, 'time'));
  if (!time.ok) report('time', time.message);

  const row: ParsedRow = {
    sheet: where.sheet,
    row: where.row,
    participant: { externalId: text('licence', LIMITS.licence), firstName: firstName ?? '', lastName: lastName ?? '' },
    bib: text('bib', LIMITS.bib),
    position,
    status,
    timeMs: time.ok ? time.value : null,
    custom1: text('custom1', LIMITS.custom),
    custom2: text('custom2', LIMITS.custom),
    custom3: text('custom3', LIMITS.custom),
    tied: place.ok && place.value.tied,
    seq: 0,
    key: '',
  };
  return problems.total === before ? row : null;
}

/**
 * Rules across the rows of one category, checked as rows arrive: a rider may appear once (a
 * second row is refused before it reaches the database); a place given twice must be marked
 * as shared by every rider holding it ("=3"), checked once all rows are in.
 */
class CategoryChecks {
  readonly batch: ParsedRow[] = [];
  count = 0;
  private readonly riders = new Map<string, number>();
  private readonly places = new Map<number, { sheet: string | null; row: number; tied: boolean }[]>();

  constructor(readonly category: string) {}

  add(row: ParsedRow, problems: ProblemList): boolean {
    const key = riderKey(row);
    const first = this.riders.get(key);
    if (first !== undefined) {
      problems.add({ sheet: row.sheet, row: row.row, column: null, message: `the same rider as row ${first} in category "${this.category}"` });
      return false;
    }
    this.riders.set(key, row.row);
    row.key = key;
    if (row.position != null) {
      const holders = this.places.get(row.position);
      const holder = { sheet: row.sheet, row: row.row, tied: row.tied };
      if (holders) holders.push(holder);
      else this.places.set(row.position, [holder]);
    }
    this.count += 1;
    this.batch.push(row);
    return true;
  }

  checkPlaces(problems: ProblemList): void {
    for (const [place, holders] of this.places) {
      if (holders.length < 2 || holders.every((h) => h.tied)) continue;
      const at = holders.map((h) => h.row).join(', ');
      for (const h of holders.slice(1)) {
        problems.add({ sheet: h.sheet, row: h.row, column: null, message: `place ${place} is given to ${holders.length} riders in category "${this.category}" (rows ${at}); mark a shared place "=${place}" on each of them` });
      }
    }
  }
}

/** Keeps the first problems in file order (sheets in the order they came, then rows) and counts them all. */
class ProblemList {
  private readonly kept: (ImportProblem & { order: number })[] = [];
  private readonly sheetOrder = new Map<string | null, number>();
  total = 0;
  constructor(private readonly max: number) {}

  add(problem: ImportProblem): void {
    this.total += 1;
    let order = this.sheetOrder.get(problem.sheet);
    if (order === undefined) this.sheetOrder.set(problem.sheet, (order = this.sheetOrder.size));
    this.kept.push({ ...problem, order });
    // Category-wide checks add problems out of order; keep only the earliest rows.
    if (this.kept.length > this.max * 2) this.trim();
  }

  sorted(): ImportProblem[] {
    this.trim();
    return this.kept.map(({ sheet, row, column, message }) => ({ sheet, row, column, message }));
  }

  private trim(): void {
    this.kept.sort((a, b) => a.order - b.order || a.row - b.row);
    this.kept.length = Math.min(this.kept.length, this.max);
  }
}
