import { concatResults, toPackedInput, validatePackedRace } from './packed';
import { Digest } from './digest';
import { eventInScope } from './event-scope';
import { scoreRace } from './points';
import { rank } from './ranking';
import { applySeasonRules } from './season';
import {
  CUSTOM1_AT as CUSTOM1, INTS_PER_RESULT as STRIDE, PACKED, PARTICIPANT_AT as PARTICIPANT, PLACE_AT as PLACE, STATUS_AT as STATUS, STATUS_CODE,
} from './packed-format';
import { DSQ_KEEPS, ScoreStore, TeamRider, TEAM } from './store';
import {
  BoardCategory, Breakdown, ComputeInput, ComputeResult, ComputeSummary, ContributionLine, CustomValueRef, EventInput,
  GroupSlot, LeaderboardConfig, PackedInput, PackedRace, PointsScaleConfig, StandingEntry, StandingHead,
  StandingsTable,
} from './types';
import { validateEvent, validateLeaderboardConfig, validatePointsScale } from './validate';

const { FIN, DSQ } = STATUS_CODE;

/**
 * An entry: its identity, then (once the lines are in the store under `index`) its event
 * scores there and the season rules' outcome: what the ranking and the output read.
 */
type Accumulator = Pick<StandingEntry, 'key' | 'kind' | 'participantId' | 'customValueId' | 'category' | 'name' | 'group'> & {
  /** The entry's index in the store (the order entries were first seen in). */
  index: number;
  /** Its event scores are first … end - 1 in the store. */
  first: number;
  end: number;
  /** Of them, how many count, and those dropped (the first `droppedWorst` by drop-worst). */
  counted: number;
  dropped: number[];
  droppedWorst: number;
  /** Points of the counted scores, in thousandths. */
  milli: number;
  /** Scored in at least minEvents events. */
  ranked: boolean;
};

const NONE: number[] = [];

/** A new entry (season fields are filled in after the season rules). */
function entry(
  index: number, key: string, kind: StandingEntry['kind'], participantId: number | null, customValueId: number | null, category: string | null, name: string, group: string | null,
): Accumulator {
  return { key, kind, participantId, customValueId, category, name, group, index, first: 0, end: 0, counted: 0, dropped: NONE, droppedWorst: 0, milli: 0, ranked: false };
}

/** An event of the board, with its place in the season's order (date, then id). */
interface EventInfo {
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
type RaceName = Pick<Race, 'event' | 'category'>;

interface Race {
  event: EventInput;
  info: EventInfo;
  category: BoardCategory;
  results: Int32Array;
}

const DEFAULT_TIE_BREAKS = ['COUNTBACK', 'MOST_RECENT'] as const;

/**
 * Board standings from race results: score each race with the points scale, aggregate per
 * rider or group with the board's strategy, apply the season rules, rank. Pure and
 * deterministic: the same input in any order gives the same output.
 */
export function computeStandings(input: ComputeInput): ComputeResult {
  // Before packing (which checks every result): a bad setting is reported before a bad result.
  validateSettings(input);
  const table = computeStandingsTable(toPackedInput(input));
  const entries = table.entries.map((head, i): StandingEntry => ({
    key: head.key, kind: head.kind, participantId: head.participantId, customValueId: head.customValueId, category: head.category,
    name: head.name, group: head.group, points: head.points, position: head.position, seq: head.seq, eventsCounted: head.eventsCounted,
    breakdown: table.breakdown(i),
  }));
  return { entries, summary: table.summary };
}

/**
 * computeStandings on packed races, with breakdowns made on demand (see StandingsTable).
 *
 * Built for a million results in well under a second: per-result data lives in typed arrays
 * (the packed input, then ScoreStore), entries are keyed by number where they can be, and no
 * object is made per result.
 */
export function computeStandingsTable(input: PackedInput): StandingsTable {
  const { scale, board, events, participantNames, customValues } = input;
  validateSettings(input);

  const ignored: Record<string, number> = {};
  const ignore = (reason: string, n = 1) => (ignored[reason] = (ignored[reason] ?? 0) + n);
  const { races, dates, size } = groupRaces(board, events, input.races, participantNames, ignore);

  const lowPoint = scale.lowPoint === true;
  const entries: Accumulator[] = [];
  const names: Names = { participant: (id) => participantNames.get(id) ?? `#${id}`, group: (id) => customValues.get(id) ?? { id, name: `#${id}` } };
  let store: ScoreStore;
  let used = 0;
  if (board.type === 'INDIVIDUAL') {
    ({ store, used } = addIndividual(entries, races, size, scale, names));
  } else {
    const teamEntries = new Map<string, Accumulator>();
    const teamLines: TeamLine[] = [];
    for (let r = 0; r < races.length; r++) used += addTeams(entries, teamEntries, teamLines, races, r, scale, board, names, ignore);
    store = placeTeamLines(entries.length, teamLines);
  }
  const raceOrd = new Int32Array(races.length);
  const raceNonDroppable = new Uint8Array(races.length);
  races.forEach((race, r) => {
    raceOrd[r] = race.info.ord;
    raceNonDroppable[r] = race.info.nonDroppable ? 1 : 0;
  });
  store.groupScores(raceOrd, raceNonDroppable);

  const rules = { bestOf: board.bestOf ?? null, dropWorst: board.dropWorst ?? null, lowPoint };
  const minEvents = board.minEvents ?? 0;
  for (const acc of entries) {
    const first = store.scoreStart[acc.index];
    const end = store.scoreStart[acc.index + 1];
    const { dropped, droppedWorst, counted } = applySeasonRules(store, first, end, rules);
    let milli = 0;
    for (let s = first; s < end; s++) if (!store.dropped[s]) milli += store.milli[s];
    acc.first = first;
    acc.end = end;
    acc.counted = counted;
    acc.dropped = dropped;
    acc.droppedWorst = droppedWorst;
    acc.milli = milli;
    acc.ranked = end - first >= minEvents;
  }
  const kept = board.belowMinEvents === 'EXCLUDE' ? entries.filter((e) => e.ranked) : entries;
  if (kept.length < entries.length) ignored['entry below minEvents'] = entries.length - kept.length;

  const tieBreaks = board.tieBreaks ?? [...DEFAULT_TIE_BREAKS];
  const heads: StandingHead[] = [];
  const ranked: RankedEntry[] = [];
  for (const category of rankingGroups(board)) {
    const members = category === null ? kept : kept.filter((b) => b.category === category);
    for (const r of rank(members, { lowPoint, tieBreaks, dense: board.ranking === 'DENSE' }, { store, dates })) {
      const acc = r.item;
      ranked.push({ acc, tieBreak: r.tieBreak });
      heads.push({
        key: acc.key,
        kind: acc.kind,
        participantId: acc.participantId,
        customValueId: acc.customValueId,
        category: acc.category,
        name: acc.name,
        group: acc.group,
        points: acc.milli / 1000,
        position: r.position,
        seq: heads.length + 1,
        eventsCounted: acc.counted,
      });
    }
  }
  let resultsIgnored = 0;
  for (const reason of Object.keys(ignored)) if (reason !== 'entry below minEvents') resultsIgnored += ignored[reason];
  const reasons: [string, string] = [`one of the ${rules.dropWorst} worst results`, `outside the best ${rules.bestOf}`];
  // The table outlives the computation (its breakdowns are made later): it keeps each race's
  // event and category, not its results.
  const raceNames = races.map(({ event, category }) => ({ event, category }));
  return new Table(heads, { entries: heads.length, resultsUsed: used, resultsIgnored, ignored }, ranked, store, raceNames, reasons);
}

function validateSettings({ scale, board, events }: Pick<ComputeInput, 'scale' | 'board' | 'events'>): void {
  validatePointsScale(scale);
  validateLeaderboardConfig(board);
  events.forEach(validateEvent);
}

/** Names by id: riders' and groups' (a name missing from the input shows as "#id"). */
interface Names {
  participant(id: number): string;
  group(id: number): CustomValueRef;
}

/** An entry as ranked: the breakdown and digest read its scores in the store. */
interface RankedEntry {
  acc: Accumulator;
  tieBreak: string | null;
}

/** Which of the two drop reasons a dropped line gives. */
const WORST = 0;
const BEST_OF = 1;

class Table implements StandingsTable {
  private readonly make: LineMaker;
  /** Two words (64 bits) per race naming its event and category, and per drop reason, for the digests. */
  private readonly raceWords: Int32Array;
  private readonly reasonWords: [number, number][];

  constructor(
    readonly entries: StandingHead[],
    readonly summary: ComputeSummary,
    private readonly ranked: RankedEntry[],
    private readonly store: ScoreStore,
    races: RaceName[],
    private readonly reasons: [string, string],
  ) {
    this.make = new LineMaker(store, races);
    this.raceWords = Int32Array.from(races.flatMap(({ event, category }) =>
      new Digest().number(event.id).string(event.name).string(event.date).string(category.code).words()));
    this.reasonWords = reasons.map((reason) => new Digest().string(reason).words());
  }

  breakdown(i: number): Breakdown {
    const { store, make } = this;
    const { acc, tieBreak } = this.ranked[i];
    const counted: ContributionLine[] = [];
    for (let s = acc.first; s < acc.end; s++) {
      if (!store.dropped[s]) for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) counted.push(make.line(l));
    }
    const dropped: (ContributionLine & { reason: string })[] = [];
    for (let d = 0; d < acc.dropped.length; d++) {
      const reason = this.reasons[d < acc.droppedWorst ? WORST : BEST_OF];
      const s = acc.dropped[d];
      for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) dropped.push(make.line(l, reason));
    }
    return { counted, dropped, tieBreak };
  }

  valuesDigest(i: number): string {
    const head = this.entries[i];
    return new Digest()
      .string(head.key).string(head.kind).number(head.participantId ?? NaN).number(head.customValueId ?? NaN)
      .optional(head.category).string(head.name).optional(head.group)
      .number(head.points).number(head.position ?? NaN).number(head.seq).number(head.eventsCounted)
      .hex();
  }

  breakdownDigest(i: number): string {
    const { store } = this;
    const { acc, tieBreak } = this.ranked[i];
    const d = new Digest().optional(tieBreak);
    d.word(acc.counted);
    for (let s = acc.first; s < acc.end; s++) {
      if (!store.dropped[s]) for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) this.line(d, l);
    }
    d.word(acc.dropped.length);
    for (let k = 0; k < acc.dropped.length; k++) {
      const s = acc.dropped[k];
      const [r1, r2] = this.reasonWords[k < acc.droppedWorst ? WORST : BEST_OF];
      d.word(r1).word(r2);
      for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) this.line(d, l);
    }
    return d.hex();
  }

  /** What LineMaker.line shows of line l, into the digest. */
  private line(d: Digest, l: number): void {
    const { store } = this;
    const place = store.linePlace[l];
    const race = 2 * store.lineRace[l];
    d.words4(this.raceWords[race], this.raceWords[race + 1], place === place ? place : -1, store.lineKind[l], store.lineMilli[l]);
    if (store.isTeam(l)) {
      const riders = store.lineRiders[l];
      d.word(riders.length);
      for (const rider of riders) d.string(rider.name).number(rider.place ?? NaN).number(rider.points);
    }
  }
}

/** Builds the breakdown's lines from the store. */
class LineMaker {
  constructor(
    private readonly store: ScoreStore,
    private readonly races: RaceName[],
  ) {}

  /** Line l as a breakdown line; a dropped one ends with its reason. Built in one literal per shape: no spread. */
  line(l: number): ContributionLine;
  line(l: number, reason: string): ContributionLine & { reason: string };
  line(l: number, reason?: string): ContributionLine {
    const { store } = this;
    const { event, category } = this.races[store.lineRace[l]];
    const points = store.lineMilli[l] / 1000;
    if (store.isTeam(l)) {
      const riders = store.lineRiders[l];
      return reason === undefined
        ? { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place: null, status: 'FIN', points, riders }
        : { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place: null, status: 'FIN', points, riders, reason } as ContributionLine;
    }
    const place = store.linePlace[l] === store.linePlace[l] ? store.linePlace[l] : null;
    const status = store.status(l);
    return reason === undefined
      ? { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place, status, points }
      : { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place, status, points, reason } as ContributionLine;
  }
}

/** SCHOOL and GROUP rank within each category (in the board's order); others rank as one list. */
function rankingGroups(board: LeaderboardConfig): (string | null)[] {
  return board.type === 'SCHOOL' || board.type === 'GROUP' ? board.categories.map((c) => c.code) : [null];
}

function inScope(board: LeaderboardConfig, event: EventInput): boolean {
  return eventInScope(board.eventScope, event, board.eventIds);
}

const byDate = (a: EventInput, b: EventInput): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id);

/**
 * The input's races that the board reads, in event order (date, then id) and category code,
 * with what is left out counted. Also: each event's date by its order, and how many results
 * the races hold.
 */
function groupRaces(
  board: LeaderboardConfig,
  events: EventInput[],
  input: PackedRace[],
  participantNames: ReadonlyMap<number, string>,
  ignore: (reason: string, n: number) => void,
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
    validatePackedRace(packed, participantNames);
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

/**
 * INDIVIDUAL: one line per result. A first pass finds each result's entry (and counts them),
 * a second places the lines entry by entry, reading the packed races again rather than
 * keeping per-line copies of what they hold.
 */
function addIndividual(entries: Accumulator[], races: Race[], size: number, scale: PointsScaleConfig, names: Names): { store: ScoreStore; used: number } {
  const index = new EntryIndex(2 * size + 1024);
  const count: number[] = [];
  // The rider's school/club (custom1 id) as of the latest race, and that race's date rank, by entry.
  const groupDate: number[] = [];
  const groupId: number[] = [];
  for (let r = 0; r < races.length; r++) {
    const { dateRank } = races[r].info;
    const results = races[r].results;
    for (let at = 0; at < results.length; at += STRIDE) {
      const id = results[at + PARTICIPANT];
      let e = index.get(id);
      if (e < 0) {
        e = entries.length;
        index.set(id, e);
        entries.push(entry(e, `p:${id}`, 'PARTICIPANT', id, null, null, names.participant(id), null));
        count.push(0);
        groupDate.push(-1);
        groupId.push(-1);
      }
      count[e] += 1;
      const custom1 = results[at + CUSTOM1];
      if (custom1 >= 0 && dateRank >= groupDate[e]) {
        groupId[e] = custom1;
        groupDate[e] = dateRank;
      }
    }
  }
  for (let e = 0; e < entries.length; e++) if (groupId[e] >= 0) entries[e].group = names.group(groupId[e]).name;

  const store = new ScoreStore(entries.length, size, count);
  const dsqNonDroppable = scale.dsqNonDroppable === true;
  for (let r = 0; r < races.length; r++) {
    const race = races[r];
    const results = race.results;
    const milli = scoreRace(scale, results, race.event.pointsMultiplier * race.category.multiplier);
    for (let i = 0, at = 0; at < results.length; i++, at += STRIDE) {
      const code = results[at + STATUS];
      const place = results[at + PLACE];
      const kind = code | (dsqNonDroppable && code === DSQ ? DSQ_KEEPS : 0);
      store.put(index.get(results[at + PARTICIPANT]), r, milli[i], place > 0 ? place : NaN, kind);
    }
  }
  return { store, used: size };
}

/**
 * Entries by participant id: ids are usually small whole numbers, looked up in an array
 * (grown as needed, up to `limit`); others in a map.
 */
class EntryIndex {
  private dense = new Int32Array(1024).fill(-1);
  private readonly sparse = new Map<number, number>();

  constructor(private readonly limit: number) {}

  get(id: number): number {
    if (id >>> 0 === id && id < this.dense.length) return this.dense[id];
    return this.sparse.get(id) ?? -1;
  }

  set(id: number, e: number): void {
    if (id >>> 0 !== id || id >= this.limit) {
      this.sparse.set(id, e);
      return;
    }
    if (id >= this.dense.length) {
      const grown = new Int32Array(Math.min(this.limit, Math.max(id + 1, 2 * this.dense.length))).fill(-1);
      grown.set(this.dense);
      this.dense = grown;
    }
    this.dense[id] = e;
  }
}


/** A team's score in one race, before the lines are placed entry by entry. */
interface TeamLine {
  entry: number;
  race: number;
  milli: number;
  kind: number;
  riders: TeamRider[];
}

function placeTeamLines(entries: number, teamLines: TeamLine[]): ScoreStore {
  const count = new Int32Array(entries);
  for (const t of teamLines) count[t.entry] += 1;
  const store = new ScoreStore(entries, teamLines.length, count);
  for (const t of teamLines) store.lineRiders[store.put(t.entry, t.race, t.milli, NaN, t.kind)] = t.riders;
  return store;
}

function groupSlots(board: LeaderboardConfig): GroupSlot[] {
  return board.type === 'GROUP' ? board.groupBy ?? [] : ['custom1'];
}

/**
 * SCHOOL, TOP_SCHOOLS and GROUP: in race `r` a group scores the sum of its best
 * `countingRiders` results, provided it has `minRiders` finishers.
 */
function addTeams(
  entries: Accumulator[],
  byKey: Map<string, Accumulator>,
  teamLines: TeamLine[],
  races: Race[],
  r: number,
  scale: PointsScaleConfig,
  board: LeaderboardConfig,
  names: Names,
  ignore: (reason: string, n?: number) => void,
): number {
  const race = races[r];
  const results = race.results;
  const size = results.length / STRIDE;
  // Result i's value at `offset`.
  const value = (i: number, offset: number) => results[i * STRIDE + offset];
  const milli = scoreRace(scale, results, race.event.pointsMultiplier * race.category.multiplier);
  const lowPoint = scale.lowPoint === true;
  const slots = groupSlots(board).map((slot) => PACKED[slot]);
  const teams = new Map<number, number[]>();
  let used = 0;
  for (let i = 0; i < size; i++) {
    let group = -1;
    for (const slot of slots) {
      if (value(i, slot) >= 0) {
        group = value(i, slot);
        break;
      }
    }
    if (group < 0) {
      ignore(board.type === 'GROUP' ? 'no group' : 'no school');
      continue;
    }
    let members = teams.get(group);
    if (!members) teams.set(group, (members = []));
    members.push(i);
    used += 1;
  }
  const counting = board.countingRiders ?? Number.MAX_SAFE_INTEGER;
  const minRiders = board.minRiders ?? 0;
  const perCategory = board.type !== 'TOP_SCHOOLS';
  const placeOf = (m: number) => (value(m, PLACE) > 0 ? value(m, PLACE) : Infinity);
  for (const [groupId, members] of teams) {
    let finishers = 0;
    for (const m of members) if (value(m, STATUS) === FIN) finishers += 1;
    if (finishers < minRiders) {
      ignore('group below minRiders in a race', members.length);
      used -= members.length;
      continue;
    }
    const best = members
      .sort((a, b) => (lowPoint ? milli[a] - milli[b] : milli[b] - milli[a]) || placeOf(a) - placeOf(b) || value(a, PARTICIPANT) - value(b, PARTICIPANT))
      .slice(0, counting);
    let sum = 0;
    for (const m of best) sum += milli[m];
    const key = perCategory ? `c:${groupId}:${race.category.code}` : `c:${groupId}`;
    let acc = byKey.get(key);
    if (!acc) {
      const category = perCategory ? race.category.code : null;
      acc = entry(entries.length, key, 'CUSTOM', null, groupId, category, names.group(groupId).name, category);
      byKey.set(key, acc);
      entries.push(acc);
    }
    const riders = best.map((m) => {
      const place = value(m, PLACE);
      return { name: names.participant(value(m, PARTICIPANT)), place: place > 0 ? place : null, points: milli[m] / 1000 };
    });
    const keeps = scale.dsqNonDroppable && best.some((m) => value(m, STATUS) === DSQ);
    teamLines.push({ entry: acc.index, race: r, milli: sum, kind: TEAM | (keeps ? DSQ_KEEPS : 0), riders });
  }
  return used;
}
