import ExcelJS from 'exceljs';
import { unzip as entries, zip } from '../../../test/support/zip';
import { openSpreadsheet, SheetSource } from './spreadsheet-reader';
import { checkWorkbookZip } from './workbook-zip';

// exceljs's streaming reader parks worksheets it cannot parse yet in temporary files.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tmp = require('tmp') as { file: (...args: unknown[]) => void };

const LIMITS = { maxZipEntries: 500, maxUncompressedBytes: 100_000_000 };
const SHARED = 'xl/sharedStrings.xml';

async function workbook(sheets: Record<string, unknown[][]>, useSharedStrings = true): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const row of rows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings } as ExcelJS.XlsxWriteOptions));
}

async function readAll(source: SheetSource): Promise<{ sheet: string | null; cells: unknown[] }[]> {
  const rows: { sheet: string | null; cells: unknown[] }[] = [];
  for await (const { rows: chunks } of source.sheets()) for await (const chunk of chunks) for (const { sheet, cells } of chunk) rows.push({ sheet, cells });
  return rows;
}

/** Removes one entry's central directory record, leaving its local header and data in place. */
function unlisted(buffer: Buffer, name: string): Buffer {
  const end = buffer.length - 22;
  const count = buffer.readUInt16LE(end + 10);
  const start = buffer.readUInt32LE(end + 16);
  const kept: Buffer[] = [];
  for (let at = start, i = 0; i < count; i++) {
    const length = 46 + buffer.readUInt16LE(at + 28) + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const record = buffer.subarray(at, at + length);
    if (record.subarray(46, 46 + buffer.readUInt16LE(at + 28)).toString() !== name) kept.push(record);
    at += length;
  }
  const directory = Buffer.concat(kept);
  const eocd = Buffer.from(buffer.subarray(end));
  eocd.writeUInt16LE(kept.length, 8);
  eocd.writeUInt16LE(kept.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  return Buffer.concat([buffer.subarray(0, start), directory, eocd]);
}

describe('checkWorkbookZip', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps every entry byte for byte but the shared strings and worksheets, which the lean reader takes as they are, and counts their rows', async () => {
    const original = await workbook({ A: [['Place', 'Name'], [1, 'Ann Lee']], B: [['Place', 'Name'], [1, 'Bo Tan'], [2, 'Cy Ng']] });
    const before = await entries(original);
    expect(before.findIndex((e) => e.name.startsWith('xl/worksheets/'))).toBeLessThan(before.findIndex((e) => e.name === SHARED));

    const checked = await checkWorkbookZip(original, LIMITS, 'a workbook');
    const after = await entries(checked.zip);
    expect(checked.totalRows).toBe(5);
    expect(checked.sharedStrings).toEqual(['Place', 'Name', 'Ann Lee', 'Bo Tan', 'Cy Ng']);
    const sheet = (name: string) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name);
    expect(checked.worksheets).toEqual(before.filter((e) => sheet(e.name)).map((e) => ({ name: e.name, xml: e.data })));
    const others = (list: { name: string; data: Buffer }[]) => new Map(list.filter((e) => e.name !== SHARED && !sheet(e.name)).map((e) => [e.name, e.data]));
    expect(others(after)).toEqual(others(before));
    expect(after.some((e) => sheet(e.name))).toBe(false);
    expect(after.find((e) => e.name === SHARED)!.data.toString()).toMatch(/<sst [^>]*count="0" uniqueCount="0"\/>$/);
  });

  it('past the held budget: copies the parts compressed, byte for byte, worksheets last, and leaves the shared strings in', async () => {
    const original = await workbook({ A: [['Place', 'Name'], [1, 'Ann Lee']], B: [['Place', 'Name'], [1, 'Bo Tan'], [2, 'Cy Ng']] });
    const checked = await checkWorkbookZip(original, LIMITS, 'a workbook', 0);
    expect(checked.sharedStrings).toBeNull();
    expect(checked.worksheets).toBeNull();
    expect(checked.totalRows).toBe(5);
    const [before, after] = [await entries(original), await entries(checked.zip)];
    expect(new Map(after.map((e) => [e.name, e.data]))).toEqual(new Map(before.map((e) => [e.name, e.data])));
    expect(after.map((e) => e.name).slice(-2)).toEqual(['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
  });

  it('refuses a part that inflates to more or less than it declares, held or not', async () => {
    for (const [declaredSize, held] of [[1000, undefined], [1000, 0], [50_000, undefined], [50_000, 0]] as const) {
      const forged = zip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20_000, 0x20), declaredSize }]);
      await expect(checkWorkbookZip(forged, LIMITS, 'a workbook', held)).rejects.toThrow(/corrupt/);
    }
  });

  it('lets exceljs stream every worksheet from memory, with or without shared strings', async () => {
    const file = jest.spyOn(tmp, 'file');
    for (const useSharedStrings of [true, false]) {
      const buffer = await workbook({ 'U14 Boys': [['Place', 'Name'], [1, 'Ann Lee'], [2, 'Bo Tan']] }, useSharedStrings);
      const rows = await readAll(await openSpreadsheet(buffer, LIMITS));
      expect(rows).toEqual([
        { sheet: 'U14 Boys', cells: ['Place', 'Name'] },
        { sheet: 'U14 Boys', cells: [1, 'Ann Lee'] },
        { sheet: 'U14 Boys', cells: [2, 'Bo Tan'] },
      ]);
    }
    expect(file).not.toHaveBeenCalled();
  });

  // Every sheet was read only while the reader kept up with exceljs: sheets after one whose rows
  // waited a turn of the event loop (the database writing a batch) were silently skipped.
  it('reads every sheet when each chunk of rows waits before the next is read', async () => {
    const sizes = [3000, 5, 8000, 1, 2];
    const sheets = Object.fromEntries(sizes.map((n, k) => [`Cat ${k}`, [['Place', 'Name'], ...Array.from({ length: n }, (_, i) => [i + 1, `R${i} L${k}`])]]));
    const file = await workbook(sheets);
    // Worksheets held (read from memory) and streamed through exceljs's unzipper (where sheets were lost).
    for (const [wait, limits] of [[() => new Promise(setImmediate), LIMITS], [() => new Promise((resolve) => setTimeout(resolve, 5)), LIMITS],
      [() => new Promise(setImmediate), { ...LIMITS, heldInflatedBytes: 0 }], [() => new Promise((resolve) => setTimeout(resolve, 5)), { ...LIMITS, heldInflatedBytes: 0 }]] as const) {
      const read: Record<string, number> = {};
      for await (const { start, rows } of (await openSpreadsheet(file, limits)).sheets()) {
        read[start.sheet!] = 0;
        for await (const chunk of rows) {
          read[start.sheet!] += chunk.length;
          await wait();
        }
      }
      expect(read).toEqual(Object.fromEntries(sizes.map((n, k) => [`Cat ${k}`, n + 1])));
    }
  }, 30_000);

  it('reads only what the central directory lists, never a part hidden between local headers', async () => {
    const parts = await entries(await workbook({ 'U14 Boys': [['Place', 'Name'], [1, 'Ann Lee']] }));
    const smuggled = { name: 'xl/worksheets/sheet9.xml', data: parts.find((e) => e.name === 'xl/worksheets/sheet1.xml')!.data };
    const crafted = unlisted(zip([...parts, smuggled]), smuggled.name);

    const rows = await readAll(await openSpreadsheet(crafted, LIMITS));
    expect(rows).toEqual([{ sheet: 'U14 Boys', cells: ['Place', 'Name'] }, { sheet: 'U14 Boys', cells: [1, 'Ann Lee'] }]);
  });

  // Hostile input: entity declarations in any XML part.
  it('refuses a DOCTYPE in any XML part, even across the chunks it inflates in, and still counts rows exactly', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [i + 1, `Rider ${i + 1}`]);
    const parts = await entries(await workbook({ 'U14 Boys': [['Place', 'Name'], ...rows] }));
    expect((await checkWorkbookZip(zip(parts), LIMITS, 'a workbook')).totalRows).toBe(3001);

    const CHUNK = 16 * 1024;
    const straddling = (xml: Buffer) => {
      const prologue = '<?xml version="1.0"?><!--';
      const filler = 'x'.repeat(CHUNK - prologue.length - 4);
      return Buffer.concat([Buffer.from(`${prologue}${filler}--><!DOCTYPE a [<!ENTITY e "e">]>`), xml.subarray(xml.indexOf('?>') + 2)]);
    };
    // Parts inflated in one piece and held (the default), and parts checked as they stream (none held).
    for (const held of [undefined, 0]) {
      expect((await checkWorkbookZip(zip(parts), LIMITS, 'a workbook', held)).totalRows).toBe(3001);
      for (const name of ['xl/styles.xml', 'xl/worksheets/sheet1.xml', 'xl/_rels/workbook.xml.rels']) {
        const tampered = parts.map((e) => (e.name === name ? { name, data: straddling(e.data) } : e));
        await expect(checkWorkbookZip(zip(tampered), LIMITS, 'a workbook', held)).rejects.toThrow(`The workbook part ${name} declares a DOCTYPE`);
      }
    }
  });
});
