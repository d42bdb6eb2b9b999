/** INDIVIDUAL boards: an entry per rider, a line per result. */
import { Accumulator, entry, Names } from './entry';
import * as format from './packed-format';
import { isTimed, scoreRace } from './points';
import { Race } from './races';
import { DSQ_KEEPS, ScoreStore } from './store';
import { PointsScaleConfig } from './types';

// Held in module constants: read off the codec's exports in a loop, each use is a property load (2-6 % slower at 1M results).
const { INTS_PER_RESULT: STRIDE, PARTICIPANT_AT: PARTICIPANT, CUSTOM1_AT: CUSTOM1, PLACE_AT: PLACE, STATUS_AT: STATUS } = format;
const { DSQ } = format.STATUS_CODE;

/**
 * INDIVIDUAL: one line per result. A first pass finds each result's entry (and counts them),
 * a second places the lines entry by entry, reading the packed races again rather than
 * keeping per-line copies of what they hold.
 */
export function addIndividual(entries: Accumulator[], races: Race[], size: number, scale: PointsScaleConfig, names: Names): { store: ScoreStore; used: number; untimed: number } {
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

  const store = new ScoreStore(entries.length, size - untimed, count);
  const dsqNonDroppable = scale.dsqNonDroppable === true;
  for (let r = 0; r < races.length; r++) {
    const race = races[r];
    const results = race.results;
    const milli = scoreRace(scale, results, race.event.pointsMultiplier * race.category.multiplier);
    for (let i = 0, at = 0; at < results.length; i++, at += STRIDE) {
      if (timedOnly && !isTimed(results, at)) continue;
      const code = results[at + STATUS];
      const place = results[at + PLACE];
      const kind = code | (dsqNonDroppable && code === DSQ ? DSQ_KEEPS : 0);
      store.put(index.get(results[at + PARTICIPANT]), r, milli[i], place > 0 ? place : NaN, kind);
    }
  }
  return { store, used: size - untimed, untimed };
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
