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

/** More wins, then more seconds, …; over counted results. Team entries compare their best race scores. */
function countback(a: Rankable, b: Rankable, lowPoint: boolean): Decision {
  const placesA = a.counted.flatMap((s) => s.places);
  const placesB = b.counted.flatMap((s) => s.places);
  if (placesA.length > 0 || placesB.length > 0) {
    const max = Math.max(0, ...placesA, ...placesB);
    const count = (places: number[]) => {
      const c = new Array<number>(max + 1).fill(0);
      for (const p of places) c[p] += 1;
      return c;
    };
    const ca = count(placesA);
    const cb = count(placesB);
    for (let place = 1; place <= max; place++) {
      if (ca[place] !== cb[place]) {
        return { order: cb[place] - ca[place], why: `COUNTBACK: ${ca[place]} vs ${cb[place]} ${ordinal(place)} places` };
      }
    }
    return null;
  }
  const best = (e: Rankable) => e.counted.map((s) => s.milli).sort((x, y) => (lowPoint ? x - y : y - x));
  const ba = best(a);
  const bb = best(b);
  for (let i = 0; i < Math.max(ba.length, bb.length); i++) {
    if (ba[i] !== bb[i]) {
      if (ba[i] === undefined) return { order: 1, why: `COUNTBACK: fewer scoring races` };
      if (bb[i] === undefined) return { order: -1, why: `COUNTBACK: more scoring races` };
      return { order: lowPoint ? ba[i] - bb[i] : bb[i] - ba[i], why: `COUNTBACK: better ${ordinal(i + 1)}-best race (${ba[i] / 1000} vs ${bb[i] / 1000})` };
    }
  }
  return null;
}

/** The better result in the latest event either scored in; equal there, the one before, and so on. */
function mostRecent(a: Rankable, b: Rankable, lowPoint: boolean): Decision {
  const scores = (e: Rankable) => new Map(e.counted.map((s) => [s.eventId, s]));
  const sa = scores(a);
  const sb = scores(b);
  const events = [...new Map([...a.counted, ...b.counted].map((s) => [s.eventId, s])).values()].sort(
    (x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : y.eventId - x.eventId),
  );
  for (const event of events) {
    const x = sa.get(event.eventId)?.milli;
    const y = sb.get(event.eventId)?.milli;
    if (x === y) continue;
    if (x === undefined) return { order: 1, why: `MOST_RECENT: no result on ${event.date}` };
    if (y === undefined) return { order: -1, why: `MOST_RECENT: scored on ${event.date}` };
    return { order: lowPoint ? x - y : y - x, why: `MOST_RECENT: ${x / 1000} vs ${y / 1000} on ${event.date}` };
  }
  return null;
}

function fewerEvents(a: Rankable, b: Rankable): Decision {
  const d = a.counted.length - b.counted.length;
  return d === 0 ? null : { order: d, why: `FEWER_EVENTS: ${a.counted.length} vs ${b.counted.length}` };
}

/** Why a ranks before b (order < 0), after, or null when every configured rule ties them. */
function decide(a: Rankable, b: Rankable, rules: RankingRules): Decision {
  if (a.ranked !== b.ranked) return { order: a.ranked ? -1 : 1, why: 'ranked before unranked' };
  if (a.milli !== b.milli) return { order: rules.lowPoint ? a.milli - b.milli : b.milli - a.milli, why: 'points' };
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
  const byKey = (a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  // Sorting from key order first keeps the output independent of input order, even where a
  // tie-break compares pairs on different events and is not transitive.
  const sorted = [...items].sort(byKey).sort((a, b) => decide(a, b, rules)?.order || byKey(a, b));
  const out: Ranked<T>[] = [];
  let position = 0;
  let dense = 0;
  sorted.forEach((item, i) => {
    const above = sorted[i - 1];
    const decision = above ? decide(above, item, rules) : { order: -1, why: 'first' };
    const tied = decision === null;
    if (!tied) {
      dense += 1;
      position = i + 1;
    }
    out.push({
      item,
      position: item.ranked ? (rules.dense ? dense : position) : null,
      seq: i + 1,
      tieBreak: !above || !item.ranked ? null : tied ? `tied with ${above.key}; ordered by key` : decision.why === 'points' ? null : decision.why,
    });
  });
  return out;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
