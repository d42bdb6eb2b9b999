import { EventScore } from './season';
import { TieBreak } from './types';

/** What the ranking needs of an entry. */
export interface Rankable {
  key: string;
  milli: number;
  counted: EventScore[];
  ranked: boolean;
}

export interface RankingRules {
  lowPoint: boolean;
  tieBreaks: TieBreak[];
  dense: boolean;
}

export interface Ranked<T extends Rankable> {
  item: T;
  position: number | null;
  seq: number;
  tieBreak: string | null;
}

type Decision = { order: number; why: string } | null;

/** Tie-break keys computed once per entry, so comparisons allocate nothing. */
interface Prepared<T extends Rankable> {
  item: T;
  /** Places of counted results, ascending: lexicographic order is "more wins, then more seconds…". */
  places: number[];
  /** Counted event scores, best first (team entries' count-back). */
  best: number[];
  /** Counted events, latest first. */
  recent: EventScore[];
}

function prepare<T extends Rankable>(item: T, lowPoint: boolean): Prepared<T> {
  return {
    item,
    places: item.counted.flatMap((s) => s.places).sort((x, y) => x - y),
    best: item.counted.map((s) => s.milli).sort((x, y) => (lowPoint ? x - y : y - x)),
    recent: [...item.counted].sort((x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : y.eventId - x.eventId)),
  };
}

/** More wins, then more seconds, …; over counted results. Team entries compare their best race scores. */
function countback<T extends Rankable>(a: Prepared<T>, b: Prepared<T>, lowPoint: boolean): Decision {
  if (a.places.length > 0 || b.places.length > 0) {
    const n = Math.max(a.places.length, b.places.length);
    for (let i = 0; i < n; i++) {
      const x = a.places[i];
      const y = b.places[i];
      if (x === y) continue;
      // The first difference is at the better of the two places: whoever has it has more of them.
      const place = x === undefined ? y : y === undefined ? x : Math.min(x, y);
      const winsA = x === place;
      return { order: winsA ? -1 : 1, why: `COUNTBACK: ${count(a.places, place)} vs ${count(b.places, place)} ${ordinal(place)} places` };
    }
    return null;
  }
  for (let i = 0; i < Math.max(a.best.length, b.best.length); i++) {
    const x = a.best[i];
    const y = b.best[i];
    if (x === y) continue;
    if (x === undefined) return { order: 1, why: 'COUNTBACK: fewer scoring races' };
    if (y === undefined) return { order: -1, why: 'COUNTBACK: more scoring races' };
    return { order: lowPoint ? x - y : y - x, why: `COUNTBACK: better ${ordinal(i + 1)}-best race (${x / 1000} vs ${y / 1000})` };
  }
  return null;
}

function count(places: number[], place: number): number {
  let n = 0;
  for (const p of places) if (p === place) n += 1;
  return n;
}

/** The better result in the latest event either scored in; equal there, the one before, and so on. */
function mostRecent<T extends Rankable>(a: Prepared<T>, b: Prepared<T>, lowPoint: boolean): Decision {
  let i = 0;
  let j = 0;
  while (i < a.recent.length || j < b.recent.length) {
    const x = a.recent[i];
    const y = b.recent[j];
    // Walk both latest-first lists together, one event at a time.
    const cmp = !x ? 1 : !y ? -1 : x.date !== y.date ? (x.date > y.date ? -1 : 1) : y.eventId - x.eventId;
    if (cmp === 0) {
      i += 1;
      j += 1;
      if (x.milli !== y.milli) return { order: lowPoint ? x.milli - y.milli : y.milli - x.milli, why: `MOST_RECENT: ${x.milli / 1000} vs ${y.milli / 1000} on ${x.date}` };
    } else if (cmp < 0) {
      return { order: -1, why: `MOST_RECENT: scored on ${x.date}` };
    } else {
      return { order: 1, why: `MOST_RECENT: no result on ${y.date}` };
    }
  }
  return null;
}

function fewerEvents<T extends Rankable>(a: Prepared<T>, b: Prepared<T>): Decision {
  const d = a.item.counted.length - b.item.counted.length;
  return d === 0 ? null : { order: d, why: `FEWER_EVENTS: ${a.item.counted.length} vs ${b.item.counted.length}` };
}

/** Why a ranks before b (order < 0), after, or null when every configured rule ties them. */
function decide<T extends Rankable>(a: Prepared<T>, b: Prepared<T>, rules: RankingRules): Decision {
  if (a.item.ranked !== b.item.ranked) return { order: a.item.ranked ? -1 : 1, why: 'ranked before unranked' };
  if (a.item.milli !== b.item.milli) return { order: rules.lowPoint ? a.item.milli - b.item.milli : b.item.milli - a.item.milli, why: 'points' };
  for (const rule of rules.tieBreaks) {
    const d = rule === 'COUNTBACK' ? countback(a, b, rules.lowPoint) : rule === 'MOST_RECENT' ? mostRecent(a, b, rules.lowPoint) : fewerEvents(a, b);
    if (d) return d;
  }
  return null;
}

/**
 * Sorts entries by points and the configured tie-breaks, then by key (which orders `seq` but
 * never separates positions). STANDARD positions are "1224", DENSE "1223"; unranked entries
 * come last with no position.
 */
export function rank<T extends Rankable>(items: T[], rules: RankingRules): Ranked<T>[] {
  const byKey = (a: Prepared<T>, b: Prepared<T>) => (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0);
  // Sorting from key order first keeps the output independent of input order, even where a
  // tie-break compares pairs on different events and is not transitive.
  const sorted = items.map((item) => prepare(item, rules.lowPoint)).sort(byKey).sort((a, b) => decide(a, b, rules)?.order || byKey(a, b));
  const out: Ranked<T>[] = [];
  let position = 0;
  let dense = 0;
  sorted.forEach((prepared, i) => {
    const { item } = prepared;
    const above = sorted[i - 1];
    const decision = above ? decide(above, prepared, rules) : { order: -1, why: 'first' };
    const tied = decision === null;
    if (!tied) {
      dense += 1;
      position = i + 1;
    }
    out.push({
      item,
      position: item.ranked ? (rules.dense ? dense : position) : null,
      seq: i + 1,
      tieBreak: !above || !item.ranked ? null : tied ? `tied with ${above.item.key}; ordered by key` : decision.why === 'points' ? null : decision.why,
    });
  });
  return out;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
