import { parse as parseSync } from 'csv-parse/sync';
import { DomainError } from '../../common/errors/domain-errors';
import { domainStatus } from '../../common/errors/http-exception.filter';
import { CSV_CHUNK_BYTES, openSpreadsheet, SheetSource } from './spreadsheet-reader';

const LIMITS = { maxZipEntries: 10, maxUncompressedBytes: 1_000_000 };

async function rowsOf(source: SheetSource): Promise<{ row: number; cells: unknown[] }[]> {
  const rows: { row: number; cells: unknown[] }[] = [];
  for await (const { rows: chunks } of source.sheets()) for await (const chunk of chunks) for (const { row, cells } of chunk) rows.push({ row, cells });
  return rows;
}

/** Fields that a slice of bytes can cut badly: multi-byte characters, quotes, quoted line breaks and delimiters. */
function awkwardCsv(records: number): string {
  const lines = ['Place;Name;School;Notes'];
  const words = ['Zoë', 'Łukasz', '"quoted ""twice"""', '"line\nbreak; inside"', '日本語', 'plain', '"a;b"', ''];
  for (let i = 0; i < records; i++) {
    lines.push([String(i + 1), `Rider${i} ${words[i % words.length].replace(/"/g, '') || 'X'}`, words[(i * 3) % words.length], words[(i * 5 + 1) % words.length]].join(';'));
    if (i % 97 === 0) lines.push('');
  }
  return lines.join('\r\n');
}

describe('CSV reading', () => {
  it('parses slice by slice exactly as the whole file at once, BOM dropped', async () => {
    const text = awkwardCsv(6_000);
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(file.length).toBeGreaterThan(3 * CSV_CHUNK_BYTES);
    const source = await openSpreadsheet(file, LIMITS);
    const expected = (parseSync(text, { delimiter: ';', relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[])
      .map(({ record, info }) => ({ row: info.lines, cells: record }));
    expect(await rowsOf(source)).toEqual(expected);
  });

  it('counts the non-empty lines for progress bars', async () => {
    const source = await openSpreadsheet(Buffer.from('Place,Name\r\n\r\n1,Ann Lee\n2,Bo Tan'), LIMITS);
    expect(source.totalRows).toBe(3);
  });

  it('refuses a malformed CSV as unreadable, wherever the fault is', async () => {
    const late = `Place,Name\n${Array.from({ length: 5_000 }, (_, i) => `${i + 1},Rider${i} Lee`).join('\n')}\n5001,"unclosed`;
    for (const text of ['Place,Name\n1,"Ann "Lee\n', late]) {
      const source = await openSpreadsheet(Buffer.from(text), LIMITS);
      const err: Error = await rowsOf(source).then(() => new Error('read without complaint'), (e: Error) => e);
      expect(err.message).toMatch(/^The CSV file is malformed: /);
      expect(domainStatus(err as DomainError)).toBe(400);
    }
  });
});
