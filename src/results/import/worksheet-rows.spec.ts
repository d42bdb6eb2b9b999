import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { tamperPart } from '../../../test/support/zip';
import { CellValue, plainValue } from './cell-values';
import { openSpreadsheet, ReadLimits, SheetSource } from './spreadsheet-reader';
import { checkWorkbookZip } from './workbook-zip';
import { readSharedStrings, StreamedWorksheet, worksheetRows } from './worksheet-rows';

const LIMITS = { maxZipEntries: 500, maxUncompressedBytes: 100_000_000 };

type Row = { sheet: string | null; row: number; cells: unknown[] };

/** What the import reads of a cell: plainValue, a Date as its time; a hole and null alike, and a row's trailing ones dropped. */
const seen = (value: CellValue): unknown => {
  const plain = plainValue(value);
  return plain instanceof Date ? `date ${plain.getTime()}` : plain;
};
const seenRow = ({ sheet, row, cells }: Row): Row => {
  const values = Array.from(cells, (c) => seen(c as CellValue));
  while (values.length > 0 && values[values.length - 1] === null) values.pop();
  return { sheet, row, cells: values };
};

async function lean(file: Buffer, limits: ReadLimits = LIMITS): Promise<Row[]> {
  const source: SheetSource = await openSpreadsheet(file, limits);
  const rows: Row[] = [];
  for await (const { rows: chunks } of source.sheets()) for await (const chunk of chunks) rows.push(...chunk.map(seenRow));
  return rows;
}

/** The reader this one replaced: exceljs's streaming worksheets, their Row objects' values. */
async function excelJs(file: Buffer): Promise<Row[]> {
  // Nothing held inflated: the shared strings stay in the ZIP, for exceljs.
  const { zip } = await checkWorkbookZip(file, LIMITS, 'a workbook', 0);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([zip]), {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  const rows: Row[] = [];
  for await (const worksheet of reader) {
    const sheet = (worksheet as unknown as { name: string }).name;
    for await (const row of worksheet) rows.push(seenRow({ sheet, row: row.number, cells: (row.values as unknown[]).slice(1) }));
  }
  return rows;
}

/**
 * Cells as timing software and spreadsheets write them. Text avoids what exceljs decoded twice
 * ("&amp;" in a non-shared string: see the explicit case below).
 */
const text = fc.string({ maxLength: 12 }).filter((s) => !/&[a-z]*;/.test(s) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));
const unicode = fc.constantFrom('Zoë', 'Łukasz', '日本語', 'a & b', '<tag>', ' padded ', '"quoted"', '🚲 bike');
const date = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => new Date(Math.round(ms / 1000) * 1000));
type Spec = { value: unknown; numFmt?: string };
const cell: fc.Arbitrary<Spec | null> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1000, max: 100000 }).map((value) => ({ value })),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((value) => ({ value })),
  fc.tuple(fc.integer({ min: 0, max: 100000 }), fc.constantFrom('h:mm:ss', '[h]:mm:ss.000', 'mm:ss.0', '0.00', '"Time" 0.0', '@'))
    .map(([seconds, numFmt]) => ({ value: seconds / 86400, numFmt })),
  text.map((value) => ({ value })),
  unicode.map((value) => ({ value })),
  fc.boolean().map((value) => ({ value })),
  date.map((value) => ({ value })),
  date.map((value) => ({ value, numFmt: 'dd/mm/yyyy hh:mm' })),
  fc.record({ formula: fc.constant('1+1'), result: fc.oneof(fc.integer(), text) }).map((value) => ({ value })),
  fc.constant({ value: { error: '#N/A' } }),
);
const sheetRows = fc.array(fc.record({ cells: fc.array(cell, { maxLength: 7 }), numFmt: fc.option(fc.constantFrom('yyyy-mm-dd', '0.0'), { nil: undefined }) }), { minLength: 1, maxLength: 25 });

async function workbook(sheets: { cells: (Spec | null)[]; numFmt?: string }[][], options: { sharedStrings: boolean; date1904: boolean; rich: boolean }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.properties.date1904 = options.date1904;
  sheets.forEach((rows, s) => {
    const ws = wb.addWorksheet(`Cat ${s}`);
    rows.forEach(({ cells, numFmt }, r) => {
      const row = ws.getRow(r * 2 + 1);
      if (numFmt) row.numFmt = numFmt;
      cells.forEach((spec, c) => {
        if (!spec) return;
        const target = row.getCell(c + 1);
        target.value = spec.value as ExcelJS.CellValue;
        if (spec.numFmt) target.numFmt = spec.numFmt;
      });
      if (options.rich && r === 0) row.getCell(9).value = { richText: [{ text: 'Ri', font: { bold: true } }, { text: 'der' }] };
      row.commit();
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings: options.sharedStrings } as ExcelJS.XlsxWriteOptions));
}

/** One worksheet part, handed to the reader `size` bytes at a time, with exceljs's workbook parts faked. */
async function fromXml(xml: string, size: number, workbook: Partial<StreamedWorksheet['workbook']> = {}): Promise<Row[]> {
  const bytes = Buffer.from(xml);
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  const rows: Row[] = [];
  const worksheet: StreamedWorksheet = { iterator: Readable.from(chunks), workbook: { styles: { getStyleModel: () => null }, ...workbook } };
  for await (const chunk of worksheetRows('S', worksheet)) rows.push(...chunk);
  return rows;
}

describe('the lean worksheet reader', () => {
  it('reads every cell as exceljs\'s row objects gave it: numbers, text, dates by cell or row format, formulas, booleans, errors, rich text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sheetRows, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), async (sheets, sharedStrings, date1904) => {
        const file = await workbook(sheets, { sharedStrings, date1904, rich: sharedStrings });
        const expected = await excelJs(file);
        expect(await lean(file)).toEqual(expected);
        // Past the held budget: every part streamed through exceljs, its shared strings table.
        expect(await lean(file, { ...LIMITS, heldInflatedBytes: 0 })).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps text as written, joins an inline string\'s runs, and numbers rows and cells without references', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
      + '<row r="2"><c r="A2" t="inlineStr"><is><r><t>Zo</t></r><r><rPr><b/></rPr><t xml:space="preserve">ë &amp;amp; Łu</t></r></is></c>'
      + '<c r="C2" t="str"><f>A1</f><v>R&amp;amp;D</v></c><c r="D2"><f>1/0</f></c><c r="E2" t="e"><v>#DIV/0!</v></c><c r="F2" t="b"><v>0</v></c></row>'
      + '<row><c t="s"><v>1</v></c><c><v>2.5</v></c><c s="3"><v>45000.5</v></c></row>'
      + '<row r="9" s="3"><c r="B9"><v>1</v></c><c r="C9" s="4"><v>1</v></c></row><row r="10"/>'
      + '</sheetData></worksheet>';
    const dates = new Map<number, { numFmt?: string }>([[3, { numFmt: 'yyyy-mm-dd' }], [4, { numFmt: '0.00' }]]);
    const workbookParts = { sharedStrings: ['zero', 'one'], styles: { getStyleModel: (id: number) => dates.get(id) ?? null } };
    const expected = [
      { sheet: 'S', row: 2, cells: ['Zoë &amp; Łu', undefined, 'R&amp;D', undefined, { error: '#DIV/0!' }, false] },
      { sheet: 'S', row: 3, cells: ['one', 2.5, new Date(Date.UTC(2023, 2, 15, 12))] },
      { sheet: 'S', row: 9, cells: [undefined, new Date(Date.UTC(1899, 11, 31)), 1] },
      { sheet: 'S', row: 10, cells: [] },
    ];
    // Whole, and a byte at a time (multi-byte characters and tags cut between chunks).
    for (const size of [1 << 20, 1, 7]) {
      const rows = await fromXml(xml, size, workbookParts);
      expect(rows.map((r) => ({ ...r, cells: Array.from(r.cells) }))).toEqual(expected);
    }
  });

  it('reads the shared strings: rich runs joined, phonetic readings left out, an item without text null', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">'
      + '<si><t>Ann &amp; Lee</t></si><si><r><rPr><b/><sz val="11"/></rPr><t>Zo</t></r><r><t xml:space="preserve">ë Ł </t></r></si>'
      + '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si><si><t></t></si><si><t> </t></si></sst>';
    expect(await readSharedStrings(Buffer.from(xml))).toEqual(['Ann & Lee', 'Zoë Ł ', '東京', null, ' ']);
    const many = `<sst>${Array.from({ length: 40_000 }, (_, i) => `<si><t>Rider${i} Ødegård</t></si>`).join('')}</sst>`;
    const table = await readSharedStrings(Buffer.from(many));
    expect(table).toHaveLength(40_000);
    expect(table[39_999]).toBe('Rider39999 Ødegård');
  });

  it('refuses a worksheet whose XML is broken or cut short, as an unreadable file', async () => {
    const file = await workbook([[{ cells: [{ value: 'Place' }, { value: 'Name' }] }, { cells: [{ value: 1 }, { value: 'Ann Lee' }] }]], { sharedStrings: true, date1904: false, rich: false });
    for (const rewrite of [(xml: string) => xml.replace('</sheetData>', '<row></sheetData>'), (xml: string) => xml.slice(0, xml.indexOf('</sheetData>'))]) {
      const broken = await tamperPart(file, 'xl/worksheets/sheet1.xml', rewrite);
      await expect(lean(broken)).rejects.toThrow(/^Sheet "Cat 0" could not be read/);
      await expect(lean(broken, { ...LIMITS, heldInflatedBytes: 0 })).rejects.toThrow(/^Sheet "Cat 0" could not be read/);
    }
  });
});
