/**
 * What a standings export contains, independent of the file format: a few title lines, the
 * column header, then one row per entry. The CSV and XLSX writers only serialise these cells.
 */

/** A spreadsheet cell: numbers stay numbers (so they sum), text is neutralised, null is blank. */
export type Cell = string | number | null;

export interface ExportEvent {
  id: number;
  name: string;
  date: string;
}

export interface ExportBoard {
  name: string;
  type: 'INDIVIDUAL' | 'SCHOOL' | 'TOP_SCHOOLS' | 'GROUP';
  groupBy: string[];
  labels: { custom1: string | null; custom2: string | null; custom3: string | null };
}

/** One line of an entry's breakdown, reduced to what a cell shows. */
export interface ExportLine {
  eventId: number;
  status: string;
  points: number;
}

export interface ExportEntry {
  /** The category a board split by category ranks the entry in (null: one ranking for the board). */
  category: string | null;
  position: number | null;
  points: number;
  name: string;
  group: string | null;
  counted: ExportLine[];
  dropped: ExportLine[];
}

// OWASP "CSV injection": a text cell a spreadsheet could read as a formula starts with one of these.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a single quote to text a spreadsheet would evaluate; numbers are never touched. */
export function neutralise(cell: Cell): Cell {
  return typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** TOP_SCHOOLS entries span every category: they have no group to show. */
export function hasGroupColumn(board: ExportBoard): boolean {
  return board.type !== 'TOP_SCHOOLS';
}

/** The header row: who is ranked, their group (the series' own slot label), points, an event per column. */
export function columnHeader(board: ExportBoard, events: ExportEvent[]): Cell[] {
  const slot = (s: string) => board.labels[s as keyof ExportBoard['labels']] ?? defaultLabel(s);
  const [name, group] = board.type === 'INDIVIDUAL'
    ? ['Rider', slot('custom1')]
    : board.type === 'GROUP'
      ? [board.groupBy.map(slot).join(' / ') || 'Group', 'Category']
      : [slot('custom1'), 'Category'];
  return ['Position', name, ...(hasGroupColumn(board) ? [group] : []), 'Points', ...events.map((e) => e.name)].map(neutralise);
}

function defaultLabel(slot: string): string {
  return slot === 'custom1' ? 'School' : slot === 'custom2' ? 'Club' : 'Team';
}

/** Title lines above the header: the board, the state readers see, when it was computed. */
export function titleRows(board: ExportBoard, state: string, stale: boolean, computedAt: Date | null): Cell[][] {
  return [
    ['Leaderboard', board.name],
    ['State', stale ? `${state} (stale: the last recalculation failed)` : state],
    ['Updated', computedAt ? computedAt.toISOString() : null],
    ['Key', 'a result in parentheses, e.g. (12), was dropped; DNF/DNS/DSQ are shown with their points; blank: no result'],
    [],
  ].map((row) => row.map(neutralise));
}

/**
 * An entry's row. `tied`: it shares its position with a neighbour ("=3"). An event cell is the
 * points the entry made there (a number); text when the result was dropped ("(12)") or not a
 * finish ("DNF", "DNF 2"); blank when it has no result in that event.
 */
export function entryRow(entry: ExportEntry, tied: boolean, events: ExportEvent[], withGroup = true): Cell[] {
  const position = entry.position === null ? null : tied ? `=${entry.position}` : entry.position;
  const cells: Cell[] = withGroup ? [position, entry.name, entry.group, entry.points] : [position, entry.name, entry.points];
  const counted = byEvent(entry.counted);
  const dropped = byEvent(entry.dropped);
  for (const event of events) {
    const kept = counted.get(event.id);
    const lost = dropped.get(event.id);
    if (kept) cells.push(kept.status === 'FIN' ? kept.points : withStatus(kept));
    else if (lost) cells.push(`(${withStatus(lost)})`);
    else cells.push(null);
  }
  return cells.map(neutralise);
}

function withStatus(line: ExportLine): string {
  if (line.status === 'FIN') return String(line.points);
  return line.points === 0 ? line.status : `${line.status} ${line.points}`;
}

/** Team boards can have several lines in one event (one per category): they add up. */
function byEvent(lines: ExportLine[]): Map<number, ExportLine> {
  const out = new Map<number, ExportLine>();
  for (const line of lines) {
    const seen = out.get(line.eventId);
    if (!seen) out.set(line.eventId, { ...line });
    else {
      seen.points = Math.round((seen.points + line.points) * 1000) / 1000;
      if (line.status === 'FIN') seen.status = 'FIN';
    }
  }
  return out;
}

/**
 * `<slug>-standings.<ext>`: letters and digits of any script, the rest collapsed to "-", so the
 * name cannot carry path separators, quotes or control characters into the header.
 */
export function exportFilename(boardName: string, leaderboardId: number, ext: 'csv' | 'xlsx'): string {
  const slug = boardName.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `${slug || `leaderboard-${leaderboardId}`}-standings.${ext}`;
}

/**
 * `attachment; filename="…"` with an ASCII name (accents dropped, other letters as "-"), plus
 * RFC 5987 `filename*` with the UTF-8 name when that differs. The name is a slug from
 * `exportFilename`, so it needs no quoting and percent-encoding covers every byte outside ASCII.
 */
export function attachmentHeader(filename: string): string {
  const ascii = filename.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-z0-9.-]+/g, '-').replace(/^-+/, '');
  const header = `attachment; filename="${ascii}"`;
  return ascii === filename ? header : `${header}; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Rows with ties marked: whether an entry is tied depends on the next one too, so each row is
 * given out one entry late. Entries come in seq order, each category's together.
 */
export async function* entryRows(entries: AsyncIterable<ExportEntry>, events: ExportEvent[], withGroup = true): AsyncGenerator<Cell[]> {
  let previous: ExportEntry | null = null;
  let previousTiedAbove = false;
  for await (const entry of entries) {
    if (previous) {
      // Each category has its own ranking: its first "1" does not tie with the previous category's last place.
      const tiedBelow = entry.position !== null && entry.position === previous.position && entry.category === previous.category;
      yield entryRow(previous, previousTiedAbove || tiedBelow, events, withGroup);
      previousTiedAbove = tiedBelow;
    }
    previous = entry;
  }
  if (previous) yield entryRow(previous, previousTiedAbove, events, withGroup);
}
