/**
 * The stored form of a standings breakdown (race_result.breakdown, a `text` column since
 * migration BreakdownText): compact JSON, positional tuples instead of objects with repeated keys.
 *
 * Why text and not jsonb: a first run of a 25,000-entry board writes about 112 MB of breakdown
 * JSON, and PostgreSQL parsing it into jsonb in the staging COPY was the largest part of that run
 * (BENCHMARKS.md, issue 16, target 4, round four). Text is not parsed by PostgreSQL at all; the
 * readers parse it in Node, where they already parsed jsonb's text. Why compact: fewer bytes to
 * send, compress, store and parse, and no key strings repeated on every line.
 *
 *   [counted, dropped, tieBreak]
 *   counted: line tuples   [eventId, eventName, date, category, place, status, points]
 *            a team line:  [eventId, eventName, date, category, place, status, points, riders]
 *            riders:       [[name, place, points], …]
 *   dropped: [reason, …the line tuple]
 *
 * expand() gives the breakdown object with its keys in jsonb's order (shorter keys first, then
 * bytewise), which is what every reader returned when the column was jsonb: the API's, pages'
 * and exports' answers are byte for byte what they were. A breakdown of any other shape (none is
 * written today; a migration may meet one) is stored as a JSON object with its keys in jsonb's
 * order and given back as it is: text starting with `{`.
 *
 * Pure: no framework, no database. Table.breakdownText (table.ts) writes the same text straight
 * from the calculators' store; a unit test holds the two to the same output.
 */
import type { Breakdown, ContributionLine } from './types';

type Rider = { name: string; place: number | null; points: number };

/** The stored text of a breakdown. */
export function compact(breakdown: Breakdown): string {
  if (!isCanonical(breakdown)) return JSON.stringify(jsonbOrdered(breakdown));
  let text = '[[';
  breakdown.counted.forEach((line, i) => {
    if (i > 0) text += ',';
    text += lineTuple('[', line);
  });
  text += '],[';
  breakdown.dropped.forEach((line, i) => {
    if (i > 0) text += ',';
    text += lineTuple(`[${JSON.stringify(line.reason)},`, line);
  });
  return `${text}],${JSON.stringify(breakdown.tieBreak)}]`;
}

function lineTuple(open: string, l: ContributionLine): string {
  const head = `${open}${JSON.stringify(l.eventId)},${JSON.stringify(l.eventName)},${JSON.stringify(l.date)},${JSON.stringify(l.category)},`;
  const tail = `${JSON.stringify(l.place)},${JSON.stringify(l.status)},${JSON.stringify(l.points)}`;
  if (l.riders === undefined) return `${head}${tail}]`;
  return `${head}${tail},[${l.riders.map((r) => `[${JSON.stringify(r.name)},${JSON.stringify(r.place)},${JSON.stringify(r.points)}]`).join(',')}]]`;
}

/** The breakdown object of a stored text, keys in jsonb's order. */
export function expand(text: string): Breakdown {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return parsed as Breakdown;
  const [counted, dropped, tieBreak] = parsed as [unknown[][], unknown[][], string | null];
  return {
    counted: counted.map((t) => expandLine(t, 0, undefined)),
    dropped: dropped.map((t) => expandLine(t, 1, t[0] as string) as ContributionLine & { reason: string }),
    tieBreak,
  };
}

/** A line tuple (from index `at`) as a line object, its keys in jsonb's order, with `reason` when dropped. */
function expandLine(t: unknown[], at: number, reason: string | undefined): ContributionLine {
  const eventId = t[at] as number;
  const eventName = t[at + 1] as string;
  const date = t[at + 2] as string;
  const category = t[at + 3] as string;
  const place = t[at + 4] as number | null;
  const status = t[at + 5] as string;
  const points = t[at + 6] as number;
  const riders = t.length > at + 7 ? (t[at + 7] as [string, number | null, number][]).map(([name, p, pts]): Rider => ({ name, place: p, points: pts })) : undefined;
  // One literal per shape, keys as jsonb lists them: date, place, points, reason, riders, status, eventId, category, eventName.
  if (reason === undefined) {
    return riders === undefined
      ? { date, place, points, status, eventId, category, eventName }
      : { date, place, points, riders, status, eventId, category, eventName } as ContributionLine;
  }
  const dropped: ContributionLine & { reason: string } = riders === undefined
    ? { date, place, points, reason, status, eventId, category, eventName }
    : { date, place, points, reason, riders, status, eventId, category, eventName };
  return dropped;
}

/** What an export cell or a rider's points read of a line. */
export interface LineCells {
  eventId: number;
  category: string;
  status: string;
  points: number;
}

/**
 * The counted and dropped lines of a stored text, only the fields cells need: no line objects
 * built for the names and dates they do not show.
 */
export function breakdownCells(text: string): { counted: LineCells[]; dropped: LineCells[] } {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) {
    const b = parsed as Partial<Breakdown> | null;
    const pick = (l: ContributionLine): LineCells => ({ eventId: l.eventId, category: l.category, status: l.status, points: l.points });
    return { counted: (b?.counted ?? []).map(pick), dropped: (b?.dropped ?? []).map(pick) };
  }
  const [counted, dropped] = parsed as [unknown[][], unknown[][]];
  const cells = (t: unknown[], at: number): LineCells =>
    ({ eventId: t[at] as number, category: t[at + 3] as string, status: t[at + 5] as string, points: t[at + 6] as number });
  return { counted: counted.map((t) => cells(t, 0)), dropped: dropped.map((t) => cells(t, 1)) };
}

const LINE_KEYS = ['category', 'date', 'eventId', 'eventName', 'place', 'points', 'status'];
const isNumber = (v: unknown): boolean => typeof v === 'number';
const isPlace = (v: unknown): boolean => v === null || typeof v === 'number';
const isString = (v: unknown): boolean => typeof v === 'string';

/** Whether the breakdown has exactly the shape the tuples hold (anything else is kept as an object). */
function isCanonical(b: Breakdown): boolean {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
  if (!sameKeys(b, ['counted', 'dropped', 'tieBreak'])) return false;
  if (!(b.tieBreak === null || isString(b.tieBreak)) || !Array.isArray(b.counted) || !Array.isArray(b.dropped)) return false;
  return b.counted.every((l) => isCanonicalLine(l, false)) && b.dropped.every((l) => isCanonicalLine(l, true));
}

function isCanonicalLine(l: ContributionLine & { reason?: unknown }, dropped: boolean): boolean {
  if (l === null || typeof l !== 'object' || Array.isArray(l)) return false;
  const keys = [...LINE_KEYS];
  if (dropped) keys.push('reason');
  if (l.riders !== undefined) keys.push('riders');
  if (!sameKeys(l, keys)) return false;
  if (!isNumber(l.eventId) || !isString(l.eventName) || !isString(l.date) || !isString(l.category)
    || !isPlace(l.place) || !isString(l.status) || !isNumber(l.points) || (dropped && !isString(l.reason))) return false;
  if (l.riders === undefined) return true;
  return Array.isArray(l.riders) && l.riders.every((r) =>
    r !== null && typeof r === 'object' && sameKeys(r, ['name', 'place', 'points']) && isString(r.name) && isPlace(r.place) && isNumber(r.points));
}

/** Whether `o`'s own keys whose values JSON keeps are exactly `keys`. */
function sameKeys(o: object, keys: string[]): boolean {
  const own = Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
  return own.length === keys.length && keys.every((k) => (o as Record<string, unknown>)[k] !== undefined);
}

/** jsonb's order of object keys: shorter (in UTF-8 bytes) first, then bytewise. */
export function jsonbKeyOrder(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length - bb.length || Buffer.compare(ba, bb);
}

/** A JSON value with every object's keys in jsonb's order (what reading it back from jsonb gave). */
function jsonbOrdered(value: unknown): unknown {
  const plain: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    // fromEntries defines own properties: an assignment would make a key named __proto__ the prototype, and lose it.
    return Object.fromEntries(Object.keys(v).sort(jsonbKeyOrder).map((k) => [k, sort((v as Record<string, unknown>)[k])]));
  };
  return sort(plain);
}
