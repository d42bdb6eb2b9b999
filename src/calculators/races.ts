/** The races a board reads: the input's packed races grouped by event (in season order) and category. */
import { eventInScope } from './event-scope';
import { INTS_PER_RESULT as STRIDE, PARTICIPANT_AT } from './packed-format';
import { concatResults, validatePackedRace } from './packed';
import { CodeTable } from './status-codes';
import { BoardCategory, EventInput, LeaderboardConfig, PackedRace } from './types';

/** An event of the board, with its place in the season's order (date, then id). */
export interface EventInfo {
  event: EventInput;
  /** Position in event order: earlier date first, equal dates by id. */
  ord: number;
  /** Dense rank of the date (equal dates, equal rank). */
  dateRank: number;
  inScope: boolean;
  nonDroppable: boolean;
  races: Map<string, Race>;
}

/** What a breakdown line says of its race. */
export type RaceName = Pick<Race, 'event' | 'category'>;

export interface Race {
  event: EventInput;
  info: EventInfo;
  category: BoardCategory;
  results: Int32Array;
}

function inScope(board: LeaderboardConfig, event: EventInput): boolean {
  return eventInScope(board.eventScope, event, board.eventIds);
}

const byDate = (a: EventInput, b: EventInput): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id);

/**
 * The input's races that the board reads, in event order (date, then id) and category code,
 * with what is left out counted. Each race's results are validated, unless `validated` holds
 * the array (PackedInput.validRaces). Also: each event's date by its order, and how many results
 * the races hold.
 */
export function groupRaces(
  board: LeaderboardConfig,
  events: EventInput[],
  input: PackedRace[],
  participantNames: ReadonlyMap<number, string>,
  ignore: (reason: string, n: number) => void,
  codes: CodeTable,
  validated?: WeakSet<Int32Array>,
): { races: Race[]; dates: string[]; size: number } {
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const ordered = [...eventsById.values()].sort(byDate);
  const nonDroppable = new Set(board.nonDroppableEventIds ?? []);
  const infos = new Map<number, EventInfo>();
  let dateRank = -1;
  ordered.forEach((event, ord) => {
    if (ord === 0 || event.date !== ordered[ord - 1].date) dateRank += 1;
    infos.set(event.id, { event, ord, dateRank, inScope: inScope(board, event), nonDroppable: nonDroppable.has(event.id), races: new Map() });
  });
  const categories = new Map(board.categories.map((c) => [c.code, c]));
  const races: Race[] = [];
  let size = 0;
  for (const packed of input) {
    // A results array found valid once is valid again (the caller never writes into it).
    if (validated === undefined || !validated.has(packed.results)) {
      validatePackedRace(packed, participantNames, codes);
      validated?.add(packed.results);
    }
    const n = packed.results.length / STRIDE;
    if (n === 0) continue;
    const info = infos.get(packed.eventId);
    const category = info && categories.get(packed.category);
    if (!info) ignore('unknown event', n);
    else if (!category) ignore('category not on the board', n);
    else if (!info.inScope) ignore('event out of scope', n);
    else {
      const race = info.races.get(category.code);
      if (race) race.results = concatResults(race.results, packed.results);
      else {
        const created = { event: info.event, info, category, results: packed.results };
        info.races.set(category.code, created);
        races.push(created);
      }
      size += n;
    }
  }
  races.sort((a, b) => a.info.ord - b.info.ord || (a.category.code < b.category.code ? -1 : 1));
  return { races, dates: ordered.map((e) => e.date), size };
}


/** How many riders have a result in the races: those entered in the series (RRS A4.2's "boats entered"). */
export function ridersEntered(races: Race[]): number {
  const riders = new Set<number>();
  for (const race of races) for (let at = PARTICIPANT_AT; at < race.results.length; at += STRIDE) riders.add(race.results[at]);
  return riders.size;
}
