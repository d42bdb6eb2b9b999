import { Readable } from 'node:stream';
import { Parser as CsvParser } from 'csv-parse';
import ExcelJS from 'exceljs';
import { DomainError } from '../../common/errors/domain-errors';
import type { SheetRow } from './cell-values';
import { ReadLimits, UnreadableFileError, UnsupportedFileError } from './import-errors';
import { CheckedWorkbook, checkWorkbookZip } from './workbook-zip';
import { StreamedWorksheet, worksheetRows } from './worksheet-rows';

export { FileTooLargeError, UnreadableFileError, UnsupportedFileError } from './import-errors';
export type { ReadLimits } from './import-errors';

export type FileFormat = 'xlsx' | 'csv';

export type { SheetRow } from './cell-values';

export interface SheetStart {
  sheet: string | null;
  /** Hidden worksheets are skipped (timing software keeps lookup tables in them). */
  hidden: boolean;
}

export interface SheetSource {
  format: FileFormat;
  /** Rows in the file (header and blank rows included), for progress bars. */
  totalRows: number;
  /** Each sheet's rows come a chunk at a time: one asynchronous step per chunk, not per row. */
  sheets(): AsyncGenerator<{ start: SheetStart; rows: AsyncIterable<SheetRow[]> }>;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** OLE compound file: legacy .xls, and every password-protected .xlsx (it is encrypted inside one). */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const EXPECTED = 'an .xlsx workbook (one sheet per category, or a Category column) or a UTF-8 .csv file';

/**
 * Decides what the upload is from its bytes, never from its name or declared type alone, and
 * checks a workbook's ZIP directory before anything is inflated.
 */
export async function openSpreadsheet(buffer: Buffer, limits: ReadLimits): Promise<SheetSource> {
  if (buffer.length === 0) throw new UnreadableFileError(`The file is empty; expected ${EXPECTED}`);
  if (buffer.subarray(0, 8).equals(OLE_MAGIC)) {
    throw new UnsupportedFileError('This is a password-protected workbook or an old .xls file; save it as .xlsx without a password, or as CSV');
  }
  if (buffer.subarray(0, 4).equals(ZIP_MAGIC)) {
    const checked = await checkWorkbookZip(buffer, limits, EXPECTED, limits.heldInflatedBytes);
    return { format: 'xlsx', totalRows: checked.totalRows, sheets: () => xlsxSheets(checked) };
  }
  return openCsv(buffer);
}

/**
 * A byte after the ZIP's end record, which the unzipper never reads. Why: unzipper (under exceljs)
 * calls end() on its parser when it reaches the end record and, on 'finish', emits 'end' by hand
 * while entries it has parsed may still wait in its buffer; exceljs's entry loop, paused while a
 * worksheet is read, then sees 'end' and stops: the sheets after the one being read were silently
 * skipped whenever reading it took a turn of the event loop (the database writing a batch).
 * 'finish' waits for the last write to be consumed; this byte never is, so only the parser's own
 * end of output ends the loop, after every entry.
 */
const UNREAD_TAIL = Buffer.alloc(1);

/**
 * The ZIP a slice at a time, then UNREAD_TAIL. unzipper hands a stored entry's bytes on as they
 * were written to it, and exceljs parses a worksheet's XML a chunk at a time: a stored worksheet
 * written whole was one chunk holding every row (bench:import: the rows all built at once, peak
 * RSS 1.4 GB). 16 KB is what an inflate stream gives per chunk.
 */
function* zipChunks(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += ZIP_SLICE_BYTES) yield buffer.subarray(at, at + ZIP_SLICE_BYTES);
  yield UNREAD_TAIL;
}
const ZIP_SLICE_BYTES = 16 * 1024;

/** What of exceljs's WorkbookReader tells a worksheet's name and state once it has read the workbook (not in its typings). */
interface ReadWorkbook {
  model?: { sheets?: { id: number; name: string; rId: string; state?: string }[] };
  workbookRels?: { Id: string; Target: string }[];
}

const sheetStart = (sheet: string, state: string | undefined): SheetStart => ({ sheet, hidden: state === 'hidden' || state === 'veryHidden' });

/**
 * The workbook's sheets, in the ZIP's order. exceljs walks the rebuilt ZIP for the workbook,
 * its relationships and styles. When the ZIP check held every worksheet inflated, the ZIP has
 * none: exceljs reads the rest to its end, and the worksheets are read from the held bytes, each
 * named as exceljs names a worksheet it streams (the workbook's sheet whose relationship targets
 * the part; else "Sheet<n>"). Otherwise exceljs hands each worksheet's stream over in turn.
 */
async function* xlsxSheets(checked: CheckedWorkbook): AsyncGenerator<{ start: SheetStart; rows: AsyncIterable<SheetRow[]> }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(zipChunks(checked.zip)), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell which numbers are dates and times; hyperlinks and other entries are not needed.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const { sharedStrings, worksheets } = checked;
  try {
    for await (const worksheet of reader) {
      const sheet = (worksheet as unknown as { name?: string }).name ?? `Sheet ${(worksheet as unknown as { id: number }).id}`;
      const state = (worksheet as unknown as { state?: string }).state;
      yield { start: sheetStart(sheet, state), rows: sheetRows(sheet, worksheet as unknown as StreamedWorksheet, sharedStrings) };
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new UnreadableFileError(`The workbook could not be read (${(err as Error).message}); expected ${EXPECTED}`);
  }
  if (!worksheets) return;
  const { model, workbookRels } = reader as unknown as ReadWorkbook;
  const workbook = reader as unknown as StreamedWorksheet['workbook'];
  for (const { name, xml } of worksheets) {
    const sheetNo = /sheet(\d+)\.xml$/.exec(name)![1];
    const rel = (workbookRels ?? []).find((r) => r.Target === `worksheets/sheet${sheetNo}.xml`);
    const found = rel && (model?.sheets ?? []).find((s) => s.rId === rel.Id);
    const sheet = found ? found.name : `Sheet${sheetNo}`;
    yield { start: sheetStart(sheet, found?.state), rows: sheetRows(sheet, { iterator: xmlSlices(xml), workbook }, sharedStrings) };
  }
}

/** Bytes of a held worksheet handed to the lean reader at a time, with a turn of the event loop between (the database's answers are handled). */
const HELD_SLICE_BYTES = 64 * 1024;

async function* xmlSlices(xml: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < xml.length; at += HELD_SLICE_BYTES) {
    if (at > 0) await new Promise(setImmediate);
    yield xml.subarray(at, at + HELD_SLICE_BYTES);
  }
}

/**
 * A worksheet's rows by the lean reader (worksheet-rows.ts) on the part exceljs streams; its XML
 * errors (invalid characters, undefined entities) are the file's fault, like the workbook's.
 */
async function* sheetRows(sheet: string, worksheet: StreamedWorksheet, sharedStrings: (string | null)[] | null): AsyncGenerator<SheetRow[]> {
  try {
    yield* worksheetRows(sheet, worksheet, sharedStrings ?? worksheet.workbook.sharedStrings);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new UnreadableFileError(`Sheet "${sheet}" could not be read (${(err as Error).message}); expected ${EXPECTED}`);
  }
}

/** Control characters other than tab and line breaks: binary, not a CSV. */
const BINARY = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/;

/** CSV must be UTF-8 (with or without BOM, which is dropped); a file whose start holds control characters is not text. */
function decodeText(buffer: Buffer): string {
  if (BINARY.test(buffer.subarray(0, 4096).toString('latin1'))) throw new UnsupportedFileError(`This is not a spreadsheet; expected ${EXPECTED}`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buffer);
  } catch {
    throw new UnsupportedFileError('The CSV file is not UTF-8; save it as "CSV UTF-8" and import it again');
  }
}

/** The delimiter is the one of comma, semicolon and tab that splits the first line the most. */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const delimiter of [',', ';', '\t']) {
    const count = firstLine.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Bytes handed to the CSV parser at a time: its records go to the database while the rest is parsed. */
export const CSV_CHUNK_BYTES = 64 * 1024;

function openCsv(buffer: Buffer): SheetSource {
  const text = decodeText(buffer);
  const body = buffer.subarray(0, 3).equals(BOM) ? buffer.subarray(3) : buffer;
  if (text.trim() === '') throw new UnreadableFileError(`The file is empty; expected ${EXPECTED}`);
  const delimiter = detectDelimiter(text);
  return { format: 'csv', totalRows: countLines(body), sheets: () => csvSheets(body, delimiter) };
}

/** Non-empty lines, for progress bars (a quoted line break counts as two). */
function countLines(body: Buffer): number {
  let lines = 0;
  let start = 0;
  for (let end = body.indexOf(0x0a); start < body.length; end = body.indexOf(0x0a, start)) {
    const stop = end < 0 ? body.length : end;
    if (stop - start > (body[stop - 1] === 0x0d ? 1 : 0)) lines += 1;
    start = stop + 1;
  }
  return lines;
}

type CsvRecord = { record: string[]; line: number };

/**
 * csv-parse's parser, each record pushed with the number of the line it ends on (a quoted line
 * break makes a record span lines). Not csv-parse's `info` option, which gives the same number:
 * it builds an object of a dozen fields per record (spreading its counters twice), about half
 * of the parser's time on a 50,000-row file and most of its garbage (CPU profile, BENCHMARKS.md,
 * issue 16, CSV records without info objects). The count is read off the parser's own counters
 * as it pushes the record, where `info` reads it.
 */
class LineNumberedCsvParser extends CsvParser {
  override push(record: string[] | null, encoding?: BufferEncoding): boolean {
    return super.push(record === null ? null : { record, line: this.info.lines }, encoding);
  }
}

async function* csvSheets(body: Buffer, delimiter: string): AsyncGenerator<{ start: SheetStart; rows: AsyncIterable<SheetRow[]> }> {
  yield { start: { sheet: null, hidden: false }, rows: csvRows(body, delimiter) };
}

/**
 * The records of a CSV, parsed a slice of bytes at a time (csv-parse keeps a field or a
 * character cut by a slice for the next one), so the first rows are checked and written
 * while the rest of the file is still to be parsed.
 */
async function* csvRows(body: Buffer, delimiter: string): AsyncGenerator<SheetRow[]> {
  const parser = new LineNumberedCsvParser({ delimiter, relax_column_count: true, skip_empty_lines: true });
  let failure: Error | null = null;
  parser.on('error', (err: Error) => (failure = failure ?? err));
  const take = (): SheetRow[] => {
    const rows: SheetRow[] = [];
    for (let r: CsvRecord | null = parser.read(); r !== null; r = parser.read()) rows.push({ sheet: null, row: r.line, cells: r.record });
    return rows;
  };
  const failed = (): never => {
    throw new UnreadableFileError(`The CSV file is malformed: ${(failure as Error).message}`);
  };
  for (let at = 0; at < body.length; at += CSV_CHUNK_BYTES) {
    parser.write(body.subarray(at, at + CSV_CHUNK_BYTES));
    const rows = take();
    if (rows.length > 0) yield rows;
    // A turn of the event loop between slices: the database's answers are handled (the reader
    // would otherwise run to the end on promises alone, and the writes wait for it), and
    // csv-parse reports a malformed record meanwhile.
    await new Promise(setImmediate);
    if (failure) failed();
  }
  parser.end();
  await new Promise(setImmediate);
  const rest = take();
  if (failure) failed();
  if (rest.length > 0) yield rest;
}
