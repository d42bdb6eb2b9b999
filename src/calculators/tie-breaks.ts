import { ScoreStore } from './store';
import { TieBreak } from './types';

/** What the tie-breaks read of an entry, prepared once per entry of a run of equal points (comparisons allocate nothing). */
export interface TieKeys {
  /** The entry's event scores are first … end - 1 in the store; those not dropped count. */
  first: number;
  end: number;
  /** How many count. */
  counted: number;
  /** Places of counted results, ascending: lexicographic order is "more wins, then more seconds…". */
  places: Float64Array;
  /** Counted event scores, best first (team entries' count-back); only for entries with no places. */
  best: Float64Array | null;
  /** Counted event scores, best first, for every entry (RRS_A8_1); null when no rule reads them. */
  scores?: Float64Array | null;
}

/** What the tie-breaks read besides the entries. */
export interface TieBreakContext {
  store: ScoreStore;
  /** Each event's date, by its order. */
  dates: string[];
  lowPoint: boolean;
}

/**
 * One tie-break: a total preorder on entries of equal points. `compare` is < 0 when a ranks
 * before b, > 0 after, 0 when the rule ties them; it runs during sorts, so it only returns a
 * number. `explain` says why, for two entries `compare` does not tie (neighbours after sorting).
 */
export interface TieBreakRule {
  compare(a: TieKeys, b: TieKeys): number;
  explain(a: TieKeys, b: TieKeys): string;
}

/** More wins, then more seconds, …; over counted results. Entries with no places (teams) compare their best race scores. */
class Countback implements TieBreakRule {
  constructor(private readonly lowPoint: boolean) {}

  compare(a: TieKeys, b: TieKeys): number {
    const x = a.places;
    const y = b.places;
    if (x.length > 0 || y.length > 0) {
      const i = firstDifference(x, y);
      if (i < 0) return 0;
      // The first difference is at the better of the two places: whoever has it has more of them.
      const place = differingPlace(x, y, i);
      return i < x.length && x[i] === place ? -1 : 1;
    }
    return compareBest(a.best!, b.best!, this.lowPoint);
  }

  explain(a: TieKeys, b: TieKeys): string {
    const x = a.places;
    const y = b.places;
    if (x.length > 0 || y.length > 0) {
      const place = differingPlace(x, y, firstDifference(x, y));
      return `COUNTBACK: ${count(x, place)} vs ${count(y, place)} ${ordinal(place)} places`;
    }
    return explainBest('COUNTBACK', a.best!, b.best!);
  }
}

/** Two lists of scores best first: the first difference decides; a list that ends first is worse (no score). */
function compareBest(bx: Float64Array, by: Float64Array, lowPoint: boolean): number {
  const i = firstDifference(bx, by);
  if (i < 0) return 0;
  if (i === bx.length) return 1;
  if (i === by.length) return -1;
  return lowPoint ? bx[i] - by[i] : by[i] - bx[i];
}

function explainBest(rule: string, bx: Float64Array, by: Float64Array): string {
  const i = firstDifference(bx, by);
  if (i === bx.length) return `${rule}: fewer scoring races`;
  if (i === by.length) return `${rule}: more scoring races`;
  return `${rule}: better ${ordinal(i + 1)}-best race (${bx[i] / 1000} vs ${by[i] / 1000})`;
}

/**
 * RRS A8.1: each entry's race scores listed best to worst, discards excluded; the first
 * difference breaks the tie. On event scores (not places), so it reads alike for riders and teams.
 */
class RrsA81 implements TieBreakRule {
  constructor(private readonly lowPoint: boolean) {}

  compare(a: TieKeys, b: TieKeys): number {
    return compareBest(a.scores!, b.scores!, this.lowPoint);
  }

  explain(a: TieKeys, b: TieKeys): string {
    return explainBest('RRS_A8_1', a.scores!, b.scores!);
  }
}

export const NO_PLACES = new Float64Array(0);

/**
 * Count-back's keys of entries (TieKeys.places and .best), made on demand; the places of all
 * the entries given fit in one buffer, taken from as they are made.
 */
export class CountbackKeys {
  private readonly buffer: Float64Array;
  private at = 0;

  constructor(
    private readonly store: ScoreStore,
    entries: readonly { first: number; end: number }[],
    private readonly lowPoint: boolean,
  ) {
    const { firstLine } = store;
    let total = 0;
    for (const e of entries) total += firstLine[e.end] - firstLine[e.first];
    this.buffer = new Float64Array(total);
  }

  /** The places of the entry's counted results, ascending. */
  places(e: { first: number; end: number }): Float64Array {
    const { dropped, firstLine, linePlace } = this.store;
    const { buffer } = this;
    const start = this.at;
    let at = start;
    for (let s = e.first; s < e.end; s++) {
      if (dropped[s]) continue;
      for (let l = firstLine[s]; l < firstLine[s + 1]; l++) {
        const p = linePlace[l];
        if (p === p) buffer[at++] = p;
      }
    }
    this.at = at;
    const places = buffer.subarray(start, at);
    if (places.length > 64) places.sort();
    else {
      for (let i = 1; i < places.length; i++) {
        const p = places[i];
        let j = i;
        while (j > 0 && places[j - 1] > p) places[j] = places[--j];
        places[j] = p;
      }
    }
    return places;
  }

  /** The entry's counted event scores, best first (for entries with no places). */
  best(e: { first: number; end: number; counted: number }): Float64Array {
    const { dropped, milli } = this.store;
    const best = new Float64Array(e.counted);
    let i = 0;
    for (let s = e.first; s < e.end; s++) if (!dropped[s]) best[i++] = milli[s];
    best.sort();
    if (!this.lowPoint) best.reverse();
    return best;
  }
}

/** The first index where x and y differ (the shorter one's length when one is the other's start); -1 when equal. */
function firstDifference(x: Float64Array, y: Float64Array): number {
  const n = Math.min(x.length, y.length);
  let i = 0;
  while (i < n && x[i] === y[i]) i++;
  return i === x.length && i === y.length ? -1 : i;
}

/** The better place at the first difference i of two ascending place lists. */
function differingPlace(x: Float64Array, y: Float64Array, i: number): number {
  return i === x.length ? y[i] : i === y.length ? x[i] : Math.min(x[i], y[i]);
}

/**
 * The better result in the latest event either scored in; equal there, the one before, and so
 * on. MOST_RECENT reads counted scores; RRS_A8_2 (A8.2: the last race, then the one before, …)
 * reads discarded ones too.
 */
class MostRecent implements TieBreakRule {
  /** Where the last walk stopped: a's and b's score (below first: none left). */
  private i = 0;
  private j = 0;

  constructor(
    private readonly store: ScoreStore,
    private readonly dates: string[],
    private readonly lowPoint: boolean,
    private readonly name: 'MOST_RECENT' | 'RRS_A8_2' = 'MOST_RECENT',
  ) {}

  compare(a: TieKeys, b: TieKeys): number {
    if (!this.walk(a, b)) return 0;
    const { i, j } = this;
    const { ord, milli } = this.store;
    if (i < a.first) return 1;
    if (j < b.first) return -1;
    if (ord[i] === ord[j]) return this.lowPoint ? milli[i] - milli[j] : milli[j] - milli[i];
    return ord[i] > ord[j] ? -1 : 1;
  }

  explain(a: TieKeys, b: TieKeys): string {
    this.walk(a, b);
    const { i, j, dates, name } = this;
    const { ord, milli } = this.store;
    if (i < a.first) return `${name}: no result on ${dates[ord[j]]}`;
    if (j < b.first) return `${name}: scored on ${dates[ord[i]]}`;
    if (ord[i] === ord[j]) return `${name}: ${milli[i] / 1000} vs ${milli[j] / 1000} on ${dates[ord[i]]}`;
    return ord[i] > ord[j] ? `${name}: scored on ${dates[ord[i]]}` : `${name}: no result on ${dates[ord[j]]}`;
  }

  /**
   * Walks both entries' counted scores latest first, one event at a time, to the first where
   * they differ (stopping at i, j); false when they never do.
   */
  private walk(a: TieKeys, b: TieKeys): boolean {
    const { ord, milli, dropped } = this.store;
    const skipDropped = this.name === 'MOST_RECENT';
    let i = a.end - 1;
    let j = b.end - 1;
    for (;;) {
      while (skipDropped && i >= a.first && dropped[i]) i--;
      while (skipDropped && j >= b.first && dropped[j]) j--;
      if (i < a.first && j < b.first) return false;
      if (i < a.first || j < b.first || ord[i] !== ord[j] || milli[i] !== milli[j]) break;
      i -= 1;
      j -= 1;
    }
    this.i = i;
    this.j = j;
    return true;
  }
}

/** Fewer counted events first. */
class FewerEvents implements TieBreakRule {
  compare(a: TieKeys, b: TieKeys): number {
    return a.counted - b.counted;
  }

  explain(a: TieKeys, b: TieKeys): string {
    return `FEWER_EVENTS: ${a.counted} vs ${b.counted}`;
  }
}

const RULES: Record<TieBreak, (context: TieBreakContext) => TieBreakRule> = {
  COUNTBACK: ({ lowPoint }) => new Countback(lowPoint),
  MOST_RECENT: ({ store, dates, lowPoint }) => new MostRecent(store, dates, lowPoint),
  FEWER_EVENTS: () => new FewerEvents(),
  RRS_A8_1: ({ lowPoint }) => new RrsA81(lowPoint),
  RRS_A8_2: ({ store, dates, lowPoint }) => new MostRecent(store, dates, lowPoint, 'RRS_A8_2'),
};

/** The configured tie-breaks, in order. */
export function tieBreakRules(tieBreaks: readonly TieBreak[], context: TieBreakContext): TieBreakRule[] {
  return tieBreaks.map((name) => RULES[name](context));
}

function count(places: Float64Array, place: number): number {
  let n = 0;
  for (let i = 0; i < places.length; i++) if (places[i] === place) n += 1;
  return n;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
