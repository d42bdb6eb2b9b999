/** INDIVIDUAL boards: an entry per rider, a line per result. */
import { Accumulator, entry, Names } from './entry';
import * as format from './packed-format';
import { isTimed, missedRaceMilli } from './points';
import { Race } from './races';
import { keptCodes } from './status-codes';
import { KEEPS, ScoreStore, statusKind } from './store';
import { PointsScaleConfig, RaceScorer, ResultRedress } from './types';

// Held in module constants: read off the codec's exports in a loop, each use is a property load (2-6 % slower at 1M results).
const { INTS_PER_RESULT: STRIDE, ID_AT: ID, PARTICIPANT_AT: PARTICIPANT, CUSTOM1_AT: CUSTOM1, PLACE_AT: PLACE, STATUS_AT: STATUS } = format;
const { DNC, RDG } = format.STATUS_CODE;

/** How the riders of a board are scored besides their results. */
export interface IndividualRules {
  /** Riders entered in the board's races (for codes that count them). */
  enteredInSeries: number;
  /** A rider gets a DNC line in each event of the board they have no result in (RRS A2.2). */
  missed: boolean;
  /** The redress given to RDG results, by result id. */
  redress?: ReadonlyMap<number, ResultRedress>;
  /** Scores a race (scoreRace, or a RaceScoreMemo's scorer). */
  score: RaceScorer;
}

/**
 * INDIVIDUAL: one line per result, and with `missed` a DNC line per event a rider has no
 * result in. A first pass finds each result's entry (and counts them), a second places the
 * lines entry by entry, reading the packed races again rather than keeping per-line copies of
 * what they hold.
 */
export function addIndividual(
  entries: Accumulator[], races: Race[], size: number, scale: PointsScaleConfig, names: Names, rules: IndividualRules,
): { store: ScoreStore; used: number; untimed: number; lineRedress: Map<number, ResultRedress> | null } {
  // A TIME scale counts timed finishers only; the others have no line (and count as ignored).
  const timedOnly = scale.kind === 'TIME';
  let untimed = 0;
  const index = new EntryIndex(2 * size + 1024);
  const count: number[] = [];
  // The rider's school/club (custom1 id) as of the latest race, and that race's date rank, by entry.
  const groupDate: number[] = [];
  const groupId: number[] = [];
  for (let r = 0; r < races.length; r++) {
    const { dateRank } = races[r].info;
    const results = races[r].results;
    for (let at = 0; at < results.length; at += STRIDE) {
      if (timedOnly && !isTimed(results, at)) {
        untimed += 1;
        continue;
      }
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

  // A total of times has no score for a missed race: TIME boards give missed races no line.
  const missed = rules.missed && !timedOnly ? missedEvents(entries.length, races, index) : null;
  let lines = size - untimed;
  if (missed) for (let e = 0; e < entries.length; e++) (count[e] += missed.count[e]), (lines += missed.count[e]);
  const store = new ScoreStore(entries.length, lines, count);
  const keeps = keptCodes(scale);
  const kinds = keeps.map((keep, code) => statusKind(code) | (keep ? KEEPS : 0));
  // The lines of results given redress, by line: the store keeps no result ids, applyRedress needs them.
  const given = rules.redress?.size ? rules.redress : null;
  const lineRedress = given ? new Map<number, ResultRedress>() : null;
  for (let r = 0; r < races.length; r++) {
    const race = races[r];
    const results = race.results;
    const multiplier = race.event.pointsMultiplier * race.category.multiplier;
    const milli = rules.score(results, multiplier, rules.enteredInSeries);
    for (let i = 0, at = 0; at < results.length; i++, at += STRIDE) {
      if (timedOnly && !isTimed(results, at)) continue;
      const place = results[at + PLACE];
      const l = store.put(index.get(results[at + PARTICIPANT]), r, milli[i], place > 0 ? place : NaN, kinds[results[at + STATUS]]);
      if (given !== null && results[at + STATUS] === RDG) {
        const redress = given.get(results[at + ID]);
        if (redress !== undefined) lineRedress!.set(l, redress);
      }
    }
    if (missed && (r + 1 === races.length || races[r + 1].info !== race.info)) missed.put(store, races, r, scale, rules.enteredInSeries, kinds[DNC]);
  }
  return { store, used: size - untimed, untimed, lineRedress };
}

/**
 * The events each rider missed: the board's events (those with a race) they have no result in.
 * A missed event's DNC line goes on the rider's category's race there (their latest race's
 * category), else on the event's first race.
 */
function missedEvents(entries: number, races: Race[], index: EntryIndex) {
  const count = new Int32Array(entries);
  const seen = new Int32Array(entries).fill(-1);
  const category = new Array<string>(entries);
  let events = 0;
  for (let r = 0; r < races.length; r++) {
    const { ord } = races[r].info;
    if (r === 0 || races[r - 1].info.ord !== ord) events += 1;
    const results = races[r].results;
    for (let at = PARTICIPANT; at < results.length; at += STRIDE) {
      const e = index.get(results[at]);
      if (seen[e] !== ord) count[e] += 1;
      seen[e] = ord;
      category[e] = races[r].category.code;
    }
  }
  for (let e = 0; e < entries; e++) count[e] = events - count[e];
  seen.fill(-1);
  return {
    count,
    /** After the last race `last` of an event: a DNC line for every rider with no result in it. */
    put(store: ScoreStore, all: Race[], last: number, scale: PointsScaleConfig, enteredInSeries: number, kind: number): void {
      const { info } = all[last];
      let first = last;
      while (first > 0 && all[first - 1].info === info) first -= 1;
      for (let r = first; r <= last; r++) {
        const results = all[r].results;
        for (let at = PARTICIPANT; at < results.length; at += STRIDE) seen[index.get(results[at])] = info.ord;
      }
      const milli = new Map<number, number>();
      for (let e = 0; e < entries; e++) {
        if (seen[e] === info.ord) continue;
        let r = first;
        for (let k = first; k <= last; k++) if (all[k].category.code === category[e]) r = k;
        let m = milli.get(r);
        if (m === undefined) milli.set(r, (m = missedRaceMilli(scale, all[r].results, all[r].event.pointsMultiplier * all[r].category.multiplier, enteredInSeries)));
        store.put(e, r, m, NaN, kind);
      }
    },
  };
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
