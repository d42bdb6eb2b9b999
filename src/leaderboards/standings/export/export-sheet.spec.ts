import { attachmentHeader, columnHeader, ExportBoard, entryRow, entryRows, ExportEntry, exportFilename, neutralise } from './export-sheet';

describe('export sheet', () => {
  it('neutralises text a spreadsheet would evaluate, never numbers', () => {
    for (const text of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(text)).toBe(`'${text}`);
    for (const text of ['Ann', '(12)', 'DNF', "'quoted", '1=1']) expect(neutralise(text)).toBe(text);
    expect(neutralise(-5)).toBe(-5);
    expect(neutralise(null)).toBeNull();
  });

  it('slugs the board name into a file name, and quotes an ASCII fallback beside filename*', () => {
    expect(exportFilename('U14 Boys / "Final"\r\n', 7, 'csv')).toBe('u14-boys-final-standings.csv');
    expect(exportFilename('../..', 7, 'xlsx')).toBe('leaderboard-7-standings.xlsx');
    expect(attachmentHeader('u14-standings.csv')).toBe('attachment; filename="u14-standings.csv"');
    expect(attachmentHeader('été-standings.csv')).toBe(`attachment; filename="ete-standings.csv"; filename*=UTF-8''%C3%A9t%C3%A9-standings.csv`);
    expect(attachmentHeader('東京-standings.csv')).toBe(`attachment; filename="standings.csv"; filename*=UTF-8''%E6%9D%B1%E4%BA%AC-standings.csv`);
  });

  it('marks each entry sharing a position with a neighbour', async () => {
    const entry = (position: number | null, category: string | null = null): ExportEntry => ({ category, position, points: 1, name: 'x', group: null, counted: [], dropped: [] });
    async function* entries() {
      for (const p of [1, 2, 2, 2, 5, null, null]) yield entry(p);
    }
    const positions: unknown[] = [];
    for await (const row of entryRows(entries(), [])) positions.push(row[0]);
    expect(positions).toEqual([1, "'=2", "'=2", "'=2", 5, null, null]);
  });

  it('does not tie the last place of one category with the same place heading the next', async () => {
    const entry = (category: string, position: number): ExportEntry => ({ category, position, points: 1, name: 'x', group: null, counted: [], dropped: [] });
    async function* entries() {
      yield* [entry('Y7', 1), entry('Y8', 1), entry('Y8', 2), entry('Y8', 2), entry('Y9', 2)];
    }
    const positions: unknown[] = [];
    for await (const row of entryRows(entries(), [])) positions.push(row[0]);
    expect(positions).toEqual([1, 1, "'=2", "'=2", 2]);
  });

  it('heads the group column with the series\' slot label; TOP_SCHOOLS has none', () => {
    const board = (type: ExportBoard['type'], groupBy: string[] = []): ExportBoard => ({ name: 'B', type, groupBy, labels: { custom1: 'Academy', custom2: null, custom3: 'Crew' } });
    const events = [{ id: 1, name: 'R1', date: '2026-01-01' }];
    expect(columnHeader(board('INDIVIDUAL'), events)).toEqual(['Position', 'Rider', 'Academy', 'Points', 'R1']);
    expect(columnHeader(board('SCHOOL'), events)).toEqual(['Position', 'Academy', 'Category', 'Points', 'R1']);
    expect(columnHeader(board('GROUP', ['custom3', 'custom2']), events)).toEqual(['Position', 'Crew / Club', 'Category', 'Points', 'R1']);
    expect(columnHeader(board('TOP_SCHOOLS'), events)).toEqual(['Position', 'Academy', 'Points', 'R1']);
    // Event names and slot labels are organisers' text too.
    const hostile = { ...board('INDIVIDUAL'), labels: { custom1: '+Academy', custom2: null, custom3: null } };
    expect(columnHeader(hostile, [{ id: 1, name: '=cmd|calc', date: '2026-01-01' }])).toEqual(['Position', 'Rider', "'+Academy", 'Points', "'=cmd|calc"]);
    const entry: ExportEntry = { category: null, position: 1, points: 30, name: 'Hillside', group: null, counted: [{ eventId: 1, status: 'FIN', points: 20 }, { eventId: 1, status: 'FIN', points: 10 }], dropped: [] };
    expect(entryRow(entry, false, events, false)).toEqual([1, 'Hillside', 30, 30]);
  });
});
