import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, SaxesTagPlain } from 'saxes';
import type { CellValue, SheetRow } from './cell-values';

/**
 * What the lean reader takes from exceljs's streaming WorkbookReader: the worksheet part's bytes
 * (`iterator`, unzipper's entry as it streams) and the workbook parts exceljs has read before it
 * (shared strings, styles, the 1904 date system). exceljs fills these before it hands a
 * worksheet over (WorkbookReader._parseWorksheet); they are not in its typings.
 */
export interface StreamedWorksheet {
  iterator: AsyncIterable<Buffer | string>;
  workbook: {
    sharedStrings?: CellValue[];
    styles: { getStyleModel(id: number): { numFmt?: string } | null | undefined };
    properties?: { model?: { date1904?: boolean } } | null;
  };
}

/** Where the text of the element being read goes. */
const enum Into { Nothing, Value, InlineText }

/**
 * A worksheet's rows straight from its XML (issue 16, target 5: the lean worksheet reader).
 *
 * exceljs's own worksheet reader builds a Row, a Cell per cell and a style per cell (merged from
 * the row's) and then `row.values` copies them out: about 0.2 s of CPU and most of the garbage
 * of a 50,000-row import, for nothing but the values. This reads the same saxes events and puts
 * each cell's value into a plain array, with exceljs's rules for what a value is:
 * - a formula (`<f>`) gives its cached result: text for `t="str"`, else a number (exceljs's
 *   `{ formula, result }`, which plainValue unwraps to the same); none without a cached value
 *   or with an empty one;
 * - `t="s"`: the shared string (`sharedStrings`: readSharedStrings's table, or exceljs's, text or
 *   `{ richText }`); `t="inlineStr"`: the text of
 *   its `<t>` elements; `t="str"`: the text; `t="e"`: `{ error }`; `t="b"`: a boolean;
 * - otherwise a number, or a Date when the cell's number format is a date format (exceljs's
 *   isDateFmt), the format being the cell's own style's, else its row's (exceljs merges the
 *   row's style into each cell's);
 * - a cell without a value is a hole, as in exceljs's `row.values`; a row without cells is a row
 *   of no cells (the parser skips blank rows itself).
 * Two of exceljs's quirks are not kept: it decoded XML entities a second time in inline and
 * formula strings (a cell reading "&amp;" came out "&"), and of an inline string with several
 * runs it kept only the last run's text. Its spec compares this reader with exceljs's
 * non-streaming reader, cell by cell, on generated workbooks.
 *
 * The rows come a chunk of the part at a time, as exceljs's did: one array per chunk.
 */
export async function* worksheetRows(sheet: string, worksheet: StreamedWorksheet, sharedStrings: readonly CellValue[] = worksheet.workbook.sharedStrings ?? []): AsyncGenerator<SheetRow[]> {
  const { styles, properties } = worksheet.workbook;
  const date1904 = Boolean(properties?.model?.date1904);
  const dateStyles = new Map<number, boolean>();
  /** Whether style `id` formats numbers as dates; undefined when there is no such style (the row's applies). */
  const isDateStyle = (id: number): boolean | undefined => {
    let known = dateStyles.get(id);
    if (known === undefined && !dateStyles.has(id)) {
      const style = styles.getStyleModel(id);
      known = style ? isDateFormat(style.numFmt) : undefined;
      dateStyles.set(id, known as boolean);
    }
    return known;
  };

  let rows: SheetRow[] = [];
  let inData = false;
  let cells: CellValue[] | null = null;
  let rowNumber = 0;
  let rowDates = false;
  let col = 0;
  let type: string | undefined;
  let styleId = 0;
  let formula = false;
  let value: string | null = null;
  let inline: string | null = null;
  let into = Into.Nothing;

  const parser = new SaxesParser<{ position: false; xmlns: false }>({ position: false, xmlns: false });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'sheetData':
        inData = true;
        break;
      case 'row':
        if (!inData) break;
        rowNumber = tag.attributes.r ? parseInt(tag.attributes.r, 10) : rowNumber + 1;
        rowDates = tag.attributes.s ? isDateStyle(parseInt(tag.attributes.s, 10)) === true : false;
        cells = [];
        col = 0;
        break;
      case 'c':
        if (!cells) break;
        col = tag.attributes.r ? columnOf(tag.attributes.r) : col + 1;
        type = tag.attributes.t;
        styleId = tag.attributes.s ? parseInt(tag.attributes.s, 10) : 0;
        formula = false;
        value = null;
        inline = null;
        break;
      case 'f':
        if (cells) formula = true;
        break;
      case 'v':
        if (cells) {
          value = '';
          into = Into.Value;
        }
        break;
      case 'is':
        if (cells) inline = '';
        break;
      case 't':
        if (cells && inline !== null) into = Into.InlineText;
        break;
      default:
        break;
    }
  });
  parser.on('text', (text: string) => {
    if (into === Into.Value) value += text;
    else if (into === Into.InlineText) inline += text;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'v':
      case 't':
        into = Into.Nothing;
        break;
      case 'c':
        if (cells) {
          const cell = cellValue();
          if (cell !== undefined) cells[col - 1] = cell;
        }
        break;
      case 'row':
        if (cells) rows.push({ sheet, row: rowNumber, cells });
        cells = null;
        break;
      case 'sheetData':
        inData = false;
        break;
      default:
        break;
    }
  });

  const cellValue = (): CellValue => {
    const text = value ?? inline;
    if (formula) return text === null || text === '' ? undefined : type === 'str' ? text : parseFloat(text);
    if (text === null) return undefined;
    switch (type) {
      case 's':
        return sharedStrings[parseInt(text, 10)];
      case 'inlineStr':
      case 'str':
        return text;
      case 'e':
        return { error: text };
      case 'b':
        return parseInt(text, 10) !== 0;
      default: {
        const number = parseFloat(text);
        const dated = (styleId ? isDateStyle(styleId) : undefined) ?? rowDates;
        return dated ? excelDate(number, date1904) : number;
      }
    }
  };

  const decoder = new StringDecoder('utf8');
  for await (const chunk of worksheet.iterator) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (rows.length > 0) {
      yield rows;
      rows = [];
    }
  }
  parser.write(decoder.end());
  parser.close();
  if (rows.length > 0) yield rows;
}

/** "AB12" → 28: the column of a cell reference. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code < 65 || code > 90) break;
    col = col * 26 + code - 64;
  }
  return col;
}

/** exceljs's isDateFmt: a format with a date or time letter outside quotes and brackets. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]+/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** exceljs's excelToDate: a serial day number as a Date (UTC), in the 1900 or the 1904 system. */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

/** Characters of a shared-strings part handed to the parser per turn of the event loop. */
const SHARED_STRINGS_SLICE = 256 * 1024;

/**
 * The shared-strings table (`xl/sharedStrings.xml`) as the worksheets' `t="s"` cells read it: each
 * `<si>`'s text, its rich-text runs joined (what plainValue made of exceljs's `{ richText }`),
 * without the phonetic readings (`<rPh>`, which exceljs's reader let replace the text); null for
 * an item without text, as exceljs had it. exceljs's reader queued five event objects per string
 * and built a font per run: a 50,000-row workbook has about 170,000 strings, all read before the
 * first row. The part is parsed a slice at a time, a turn of the event loop between slices.
 */
export async function readSharedStrings(part: Buffer): Promise<(string | null)[]> {
  const table: (string | null)[] = [];
  let item: string | null = null;
  let inText = false;
  let phonetic = 0;
  const parser = new SaxesParser<{ position: false; xmlns: false }>({ position: false, xmlns: false });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'si':
        item = '';
        break;
      case 't':
        if (phonetic === 0 && item !== null) inText = true;
        break;
      case 'rPh':
        phonetic += 1;
        break;
      default:
        break;
    }
  });
  parser.on('text', (text: string) => {
    if (inText) item += text;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 't':
        inText = false;
        break;
      case 'rPh':
        phonetic -= 1;
        break;
      case 'si':
        table.push(item === '' ? null : item);
        item = null;
        break;
      default:
        break;
    }
  });
  const xml = part.toString('utf8');
  for (let at = 0; at < xml.length; at += SHARED_STRINGS_SLICE) {
    parser.write(xml.slice(at, at + SHARED_STRINGS_SLICE));
    if (at + SHARED_STRINGS_SLICE < xml.length) await new Promise(setImmediate);
  }
  parser.close();
  return table;
}
