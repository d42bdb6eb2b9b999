import { scoreRace } from './points';
import { rank } from './ranking';
import { applySeasonRules } from './season';
import { DSQ_KEEPS, ScoreStore, statusCode, TeamRider, TEAM } from './store';
import {
  BoardCategory, ComputeInput, ComputeResult, ContributionLine, CustomValueRef, EventInput, GroupSlot, LeaderboardConfig,
  PointsScaleConfig, RaceResultInput, StandingEntry,
} from './types';
import { validateEvent, validateLeaderboardConfig, validatePointsScale, validateResult } from './validate';

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

interface Race {
  event: EventInput;
  info: EventInfo;
  category: BoardCategory;
  results: RaceResultInput[];
}

const DEFAULT_TIE_BREAKS = ['COUNTBACK', 'MOST_RECENT'] as const;

/**
 * Board standings from race results: score each race with the points scale, aggregate per
 * rider or group with the board's strategy, apply the season rules, rank. Pure and
 * deterministic: the same input in any order gives the same output.
 *
 * Built for a million results in under a second: per-result data lives in typed arrays
 * (see ScoreStore), entries are keyed by number where they can be, and the breakdown's line
 * objects are made once, at the end, in their final shape.
 */
export function computeStandings({ scale, board, events, results }: ComputeInput): ComputeResult {
  validatePointsScale(scale);
  validateLeaderboardConfig(board);
  events.forEach(validateEvent);

  const ignored: Record<string, number> = {};
  const ignore = (reason: string, n = 1) => (ignored[reason] = (ignored[reason] ?? 0) + n);
  const { races, dates, size } = groupRaces(board, events, results, ignore);

  const lowPoint = scale.lowPoint === true;
  const entries: Accumulator[] = [];
  let store: ScoreStore;
  let used = 0;
  if (board.type === 'INDIVIDUAL') {
    ({ store, used } = addIndividual(entries, races, size, scale));
  } else {
    const teamEntries = new Map<string, Accumulator>();
    const teamLines: TeamLine[] = [];
    for (let r = 0; r < races.length; r++) used += addTeams(entries, teamEntries, teamLines, races, r, scale, board, ignore);
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

  const worstReason = `one of the ${rules.dropWorst} worst results`;
  const bestOfReason = `outside the best ${rules.bestOf}`;
  const make = new LineMaker(store, races);
  const tieBreaks = board.tieBreaks ?? [...DEFAULT_TIE_BREAKS];
  const standings: StandingEntry[] = [];
  for (const category of rankingGroups(board)) {
    const members = category === null ? kept : kept.filter((b) => b.category === category);
    for (const r of rank(members, { lowPoint, tieBreaks, dense: board.ranking === 'DENSE' }, { store, dates })) {
      const acc = r.item;
      const { first, end, counted, dropped, droppedWorst } = acc;
      const countedLines: ContributionLine[] = [];
      for (let s = first; s < end; s++) {
        if (!store.dropped[s]) for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) countedLines.push(make.counted(l));
      }
      const droppedLines: (ContributionLine & { reason: string })[] = [];
      for (let i = 0; i < dropped.length; i++) {
        const reason = i < droppedWorst ? worstReason : bestOfReason;
        for (let l = store.firstLine[dropped[i]]; l < store.firstLine[dropped[i] + 1]; l++) droppedLines.push(make.dropped(l, reason));
      }
      standings.push({
        key: acc.key,
        kind: acc.kind,
        participantId: acc.participantId,
        customValueId: acc.customValueId,
        category: acc.category,
        name: acc.name,
        group: acc.group,
        points: acc.milli / 1000,
        position: r.position,
        seq: standings.length + 1,
        eventsCounted: counted,
        breakdown: { counted: countedLines, dropped: droppedLines, tieBreak: r.tieBreak },
      });
    }
  }
  let resultsIgnored = 0;
  for (const reason of Object.keys(ignored)) if (reason !== 'entry below minEvents') resultsIgnored += ignored[reason];
  return { entries: standings, summary: { entries: standings.length, resultsUsed: used, resultsIgnored, ignored } };
}

/** Builds the breakdown's lines from the store, in their final shape (a dropped line ends with its reason). */
class LineMaker {
  constructor(
    private readonly store: ScoreStore,
    private readonly races: Race[],
  ) {}

  counted(l: number): ContributionLine {
    const { store } = this;
    const { event, category } = this.races[store.lineRace[l]];
    const points = store.lineMilli[l] / 1000;
    if (store.isTeam(l)) {
      return { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place: null, status: 'FIN', points, riders: store.lineRiders[l] };
    }
    const place = store.linePlace[l];
    return { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place: place === place ? place : null, status: store.status(l), points };
  }

  dropped(l: number, reason: string): ContributionLine & { reason: string } {
    const { store } = this;
    const { event, category } = this.races[store.lineRace[l]];
    const points = store.lineMilli[l] / 1000;
    if (store.isTeam(l)) {
      return { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place: null, status: 'FIN', points, riders: store.lineRiders[l], reason };
    }
    const place = store.linePlace[l];
    return { eventId: event.id, eventName: event.name, date: event.date, category: category.code, place: place === place ? place : null, status: store.status(l), points, reason };
  }
}

/** SCHOOL and GROUP rank within each category (in the board's order); others rank as one list. */
function rankingGroups(board: LeaderboardConfig): (string | null)[] {
  return board.type === 'SCHOOL' || board.type === 'GROUP' ? board.categories.map((c) => c.code) : [null];
}

function inScope(board: LeaderboardConfig, event: EventInput): boolean {
  if (board.eventScope === 'STARRED') return event.starred;
  if (board.eventScope === 'LISTED') return (board.eventIds ?? []).includes(event.id);
  return true;
}

const byDate = (a: EventInput, b: EventInput): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id);

/**
 * Results grouped into races (event × category), in event order (date, then id) and category
 * code, with what is left out counted. Also: each event's date by its order, and how many
 * results the races hold.
 */
function groupRaces(
  board: LeaderboardConfig,
  events: EventInput[],
  results: RaceResultInput[],
  ignore: (reason: string) => void,
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
  // Results usually come race by race: remember the last race to skip the lookups.
  let last: Race | null = null;
  for (let k = 0; k < results.length; k++) {
    const result = results[k];
    validateResult(result);
    if (last !== null && result.eventId === last.event.id && result.category === last.category.code) {
      last.results.push(result);
      size += 1;
      continue;
    }
    const info = infos.get(result.eventId);
    const category = info && categories.get(result.category);
    if (!info) ignore('unknown event');
    else if (!category) ignore('category not on the board');
    else if (!info.inScope) ignore('event out of scope');
    else {
      let race = info.races.get(category.code);
      if (!race) {
        race = { event: info.event, info, category, results: [] };
        info.races.set(category.code, race);
        races.push(race);
      }
      race.results.push(result);
      size += 1;
      last = race;
    }
  }
  races.sort((a, b) => a.info.ord - b.info.ord || (a.category.code < b.category.code ? -1 : 1));
  return { races, dates: ordered.map((e) => e.date), size };
}

/**
 * INDIVIDUAL: one line per result. A first pass finds each result's entry (and counts them),
 * a second places the lines entry by entry.
 */
function addIndividual(entries: Accumulator[], races: Race[], size: number, scale: PointsScaleConfig): { store: ScoreStore; used: number } {
  // Participants by id: ids are usually small whole numbers, looked up in an array; others in a map.
  const limit = 2 * size + 1024;
  let dense = new Int32Array(Math.min(limit, 1024)).fill(-1);
  const sparse = new Map<number, number>();
  // Each line's entry, place and status, in race order: the second pass reads no result objects.
  const entryOf = new Int32Array(size);
  const placeOf = new Float64Array(size);
  const kindOf = new Uint8Array(size);
  const dsqNonDroppable = scale.dsqNonDroppable === true;
  const count: number[] = [];
  // The rider's school/club as of the latest race, and that race's date rank, by entry.
  const groupDate: number[] = [];
  const groupRef: (CustomValueRef | null)[] = [];
  const millis: Float64Array[] = [];
  let l = 0;
  for (let r = 0; r < races.length; r++) {
    const race = races[r];
    const { dateRank } = race.info;
    const list = race.results;
    millis.push(scoreRace(scale, list, race.event.pointsMultiplier * race.category.multiplier));
    for (let i = 0; i < list.length; i++) {
      const result = list[i];
      const id = result.participantId;
      const small = id >>> 0 === id && id < limit;
      if (small && id >= dense.length) {
        const grown = new Int32Array(Math.min(limit, Math.max(id + 1, 2 * dense.length))).fill(-1);
        grown.set(dense);
        dense = grown;
      }
      let e = small ? dense[id] : sparse.get(id) ?? -1;
      if (e < 0) {
        e = entries.length;
        if (small) dense[id] = e;
        else sparse.set(id, e);
        entries.push(entry(e, `p:${id}`, 'PARTICIPANT', id, null, null, result.participantName, null));
        count.push(0);
        groupDate.push(-1);
        groupRef.push(null);
      }
      const custom1 = result.custom1;
      if (custom1 && dateRank >= groupDate[e]) {
        groupRef[e] = custom1;
        groupDate[e] = dateRank;
      }
      const status = result.status;
      placeOf[l] = result.position ?? NaN;
      kindOf[l] = statusCode(status) | (dsqNonDroppable && status === 'DSQ' ? DSQ_KEEPS : 0);
      entryOf[l++] = e;
      count[e] += 1;
    }
  }
  for (let e = 0; e < entries.length; e++) {
    const ref = groupRef[e];
    if (ref) entries[e].group = ref.name;
  }

  const store = new ScoreStore(entries.length, l, count);
  l = 0;
  for (let r = 0; r < races.length; r++) {
    const milli = millis[r];
    for (let i = 0; i < milli.length; i++, l++) store.put(entryOf[l], r, milli[i], placeOf[l], kindOf[l]);
  }
  return { store, used: l };
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
  ignore: (reason: string, n?: number) => void,
): number {
  const race = races[r];
  const list = race.results;
  const milli = scoreRace(scale, list, race.event.pointsMultiplier * race.category.multiplier);
  const lowPoint = scale.lowPoint === true;
  const slots = groupSlots(board);
  const teams = new Map<number, { group: CustomValueRef; members: number[] }>();
  let used = 0;
  for (let i = 0; i < list.length; i++) {
    const result = list[i];
    let group: CustomValueRef | null = null;
    for (const slot of slots) {
      if (result[slot]) {
        group = result[slot];
        break;
      }
    }
    if (!group) {
      ignore(board.type === 'GROUP' ? 'no group' : 'no school');
      continue;
    }
    let team = teams.get(group.id);
    if (!team) teams.set(group.id, (team = { group, members: [] }));
    team.members.push(i);
    used += 1;
  }
  const counting = board.countingRiders ?? Number.MAX_SAFE_INTEGER;
  const minRiders = board.minRiders ?? 0;
  const perCategory = board.type !== 'TOP_SCHOOLS';
  for (const { group, members } of teams.values()) {
    let finishers = 0;
    for (const m of members) if (list[m].status === 'FIN') finishers += 1;
    if (finishers < minRiders) {
      ignore('group below minRiders in a race', members.length);
      used -= members.length;
      continue;
    }
    const best = members
      .sort((a, b) => (lowPoint ? milli[a] - milli[b] : milli[b] - milli[a]) || (list[a].position ?? Infinity) - (list[b].position ?? Infinity) || list[a].participantId - list[b].participantId)
      .slice(0, counting);
    let sum = 0;
    for (const m of best) sum += milli[m];
    const key = perCategory ? `c:${group.id}:${race.category.code}` : `c:${group.id}`;
    let acc = byKey.get(key);
    if (!acc) {
      const category = perCategory ? race.category.code : null;
      acc = entry(entries.length, key, 'CUSTOM', null, group.id, category, group.name, category);
      byKey.set(key, acc);
      entries.push(acc);
    }
    const riders = best.map((m) => ({ name: list[m].participantName, place: list[m].position, points: milli[m] / 1000 }));
    const keeps = scale.dsqNonDroppable && best.some((m) => list[m].status === 'DSQ');
    teamLines.push({ entry: acc.index, race: r, milli: sum, kind: TEAM | (keeps ? DSQ_KEEPS : 0), riders });
  }
  return used;
}
