import { parseImport, ParsedRow } from './import-parser';
import { SheetRow, SheetSource } from './spreadsheet-reader';

const LABELS = { custom1: null, custom2: null, custom3: null };

/** A CSV-like source whose rows arrive a hundred at a time, as a streaming reader hands them over. */
function source(rows: string[][], failAfter?: number): SheetSource {
  return {
    format: 'csv',
    totalRows: rows.length,
    async *sheets() {
      yield {
        start: { sheet: null, hidden: false },
        rows: (async function* (): AsyncGenerator<SheetRow[]> {
          for (let at = 0; at < rows.length; at += 100) {
            if (failAfter !== undefined && at >= failAfter) throw new Error('the reader broke');
            await new Promise((resolve) => setImmediate(resolve));
            yield rows.slice(at, at + 100).map((cells, k) => ({ sheet: null, row: at + k + 1, cells }));
          }
        })(),
      };
    },
  };
}

const riders = (n: number): string[][] => [['Place', 'Name'], ...Array.from({ length: n }, (_, i) => [String(i + 1), `Ann${i} Lee`])];

/** A sink that takes `ms` per batch and records what it was given and whether calls overlapped. */
function slowSink(ms: number) {
  const batches: number[][] = [];
  let active = 0;
  let overlapped = false;
  return {
    batches,
    get active() {
      return active;
    },
    get overlapped() {
      return overlapped;
    },
    sink: (_category: string, rows: ParsedRow[]) => async () => {
      active += 1;
      if (active > 1) overlapped = true;
      batches.push(rows.map((r) => r.position!));
      await new Promise((resolve) => setTimeout(resolve, ms));
      active -= 1;
    },
  };
}

describe('parseImport batches', () => {
  it('hands an idle sink what has gathered, full batches while it is busy, one at a time and in file order', async () => {
    const out = slowSink(20);
    const parsed = await parseImport(source(riders(6_000)), {
      labels: LABELS, category: 'U14', maxRows: 100_000, maxErrors: 10, sink: out.sink, batchSize: 2_000, minBatchSize: 300,
    });
    expect(parsed.rows).toBe(6_000);
    const sizes = out.batches.map((b) => b.length);
    // The first batch went out as soon as the sink could take it, long before 2 000 rows were read.
    expect(sizes[0]).toBeLessThan(2_000);
    expect(sizes[0]).toBeGreaterThanOrEqual(300);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000);
    expect(out.batches.flat()).toEqual(Array.from({ length: 6_000 }, (_, i) => i + 1));
    expect(out.overlapped).toBe(false);
  });

  it('starts no batch once reading failed, and none is still running when the error surfaces', async () => {
    const out = slowSink(30);
    const started = () => out.batches.length;
    await expect(parseImport(source(riders(5_000), 3_000), {
      labels: LABELS, category: 'U14', maxRows: 100_000, maxErrors: 10, sink: out.sink, batchSize: 1_000, minBatchSize: 100,
    })).rejects.toThrow('the reader broke');
    expect(out.active).toBe(0);
    const after = started();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started()).toBe(after);
  });

  it('keeps the reader at most one batch ahead of a slow sink: rows never wait in memory for the whole file', async () => {
    const read: number[] = [];
    let rowsRead = 0;
    const counting: SheetSource = {
      ...source(riders(6_000)),
      async *sheets() {
        for await (const sheet of source(riders(6_000)).sheets()) {
          yield { start: sheet.start, rows: (async function* () {
            for await (const chunk of sheet.rows) {
              rowsRead += chunk.length;
              yield chunk;
            }
          })() };
        }
      },
    };
    // The first batch takes long (a database busy creating riders), the others none.
    const out = { batches: [] as number[][] };
    const sink = (_category: string, rows: ParsedRow[]) => async () => {
      read.push(rowsRead - out.batches.flat().length);
      out.batches.push(rows.map((r) => r.position!));
      if (out.batches.length === 1) await new Promise((resolve) => setTimeout(resolve, 300));
    };
    const parsed = await parseImport(counting, {
      labels: LABELS, category: 'U14', maxRows: 100_000, maxErrors: 10, sink, batchSize: 500, minBatchSize: 500,
    });
    expect(parsed.rows).toBe(6_000);
    expect(out.batches.flat()).toEqual(Array.from({ length: 6_000 }, (_, i) => i + 1));
    // When a batch starts, the rows read but not yet written: that batch, the one queued behind
    // it, the batch being filled and one chunk of the reader's (100 rows), the header included.
    expect(Math.max(...read)).toBeLessThanOrEqual(3 * 500 + 100 + 1);
  });
});
