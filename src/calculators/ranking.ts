import { ScoreStore } from './store';
import { TieBreak } from './types';

/** What the ranking needs of an entry. */
export interface Rankable {
  key: string;
  milli: number;
  /** The entry's event scores are first … end - 1 in the store; those not dropped count. */
  first: number;
  end: number;
  /** How many count. */
  counted: number;
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

/** Where the ranking reads event scores, and each event's date by its order. */
export interface RankingData {
  store: ScoreStore;
  dates: string[];
}

/** Tie-break keys computed once per entry (of a run of equal points), so comparisons allocate nothing. */
interface Prepared<T extends Rankable> {
  item: T;
  /** The item's index in the input. */
  index: number;
  key: string;
  ranked: boolean;
  milli: number;
  first: number;
  end: number;
  counted: number;
  /** Places of counted results, ascending: lexicographic order is "more wins, then more seconds…". */
  places: Float64Array;
  /** Counted event scores, best first (team entries' count-back); only for entries with no places. */
  best: Float64Array | null;
}

const COUNTBACK = 0;
const MOST_RECENT = 1;
const FEWER_EVENTS = 2;
const RULE_CODES: Record<TieBreak, number> = { COUNTBACK, MOST_RECENT, FEWER_EVENTS };

/**
 * Sorts entries by points and the configured tie-breaks, then by key (which orders `seq` but
 * never separates positions). STANDARD positions are "1224", DENSE "1223"; unranked entries
 * come last with no position.
 *
 * Every rule is a total preorder (points; count-back: lexicographic over sorted places, or over
 * best scores for entries with no places, which rank after those with places; most-recent:
 * lexicographic over all events latest first, a missing result worst; fewer events), so with
 * the unique key last the comparator is a strict total order and any sort gives the only
 * possible result, whatever the input order. So entries are sorted by points first, on flat
 * arrays, and only runs of equal points by the tie-breaks, whose keys are prepared for those
 * entries alone. Comparisons return numbers; the explanation ("why") is only written for
 * neighbours after sorting.
 */
export function rank<T extends Rankable>(items: T[], rules: RankingRules, data: RankingData): Ranked<T>[] {
  const { store, dates } = data;
  const { ord, milli, dropped, firstLine, linePlace } = store;
  const lowPoint = rules.lowPoint;
  const codes = rules.tieBreaks.map((t) => RULE_CODES[t]);
  const needsPlaces = codes.includes(COUNTBACK);

  // Tie-break keys, for entries that share their points with another (only those are compared on them).
  // The places of all of them fit in one buffer.
  let total = 0;
  if (needsPlaces) for (const item of items) total += firstLine[item.end] - firstLine[item.first];
  const buffer = new Float64Array(total);
  const empty = new Float64Array(0);
  let at = 0;
  const prepare = (index: number): Prepared<T> => {
    const item = items[index];
    let places = empty;
    let best: Float64Array | null = null;
    if (needsPlaces) {
      // Places of the counted results, ascending.
      const start = at;
      for (let s = item.first; s < item.end; s++) {
        if (dropped[s]) continue;
        for (let l = firstLine[s]; l < firstLine[s + 1]; l++) {
          const p = linePlace[l];
          if (p === p) buffer[at++] = p;
        }
      }
      places = buffer.subarray(start, at);
      if (places.length > 64) places.sort();
      else {
        for (let i = 1; i < places.length; i++) {
          const p = places[i];
          let j = i;
          while (j > 0 && places[j - 1] > p) places[j] = places[--j];
          places[j] = p;
        }
      }
      if (places.length === 0) {
        best = new Float64Array(item.counted);
        let i = 0;
        for (let s = item.first; s < item.end; s++) if (!dropped[s]) best[i++] = milli[s];
        best.sort();
        if (!lowPoint) best.reverse();
      }
    }
    return { item, index, key: item.key, ranked: item.ranked, milli: item.milli, first: item.first, end: item.end, counted: item.counted, places, best };
  };

  // Comparisons during the sort only return numbers; `why` is written when explaining neighbours.
  let explaining = false;
  let why = '';

  /** More wins, then more seconds, …; over counted results. Team entries compare their best race scores. */
  const countback = (a: Prepared<T>, b: Prepared<T>): number => {
    const x = a.places;
    const y = b.places;
    if (x.length > 0 || y.length > 0) {
      const n = Math.min(x.length, y.length);
      let i = 0;
      while (i < n && x[i] === y[i]) i++;
      if (i === x.length && i === y.length) return 0;
      // The first difference is at the better of the two places: whoever has it has more of them.
      const place = i === x.length ? y[i] : i === y.length ? x[i] : Math.min(x[i], y[i]);
      const order = i < x.length && x[i] === place ? -1 : 1;
      if (explaining) why = `COUNTBACK: ${count(x, place)} vs ${count(y, place)} ${ordinal(place)} places`;
      return order;
    }
    const bx = a.best!;
    const by = b.best!;
    const n = Math.max(bx.length, by.length);
    for (let i = 0; i < n; i++) {
      if (i === bx.length) {
        if (explaining) why = 'COUNTBACK: fewer scoring races';
        return 1;
      }
      if (i === by.length) {
        if (explaining) why = 'COUNTBACK: more scoring races';
        return -1;
      }
      const p = bx[i];
      const q = by[i];
      if (p === q) continue;
      if (explaining) why = `COUNTBACK: better ${ordinal(i + 1)}-best race (${p / 1000} vs ${q / 1000})`;
      return lowPoint ? p - q : q - p;
    }
    return 0;
  };

  /** The better result in the latest event either scored in; equal there, the one before, and so on. */
  const mostRecent = (a: Prepared<T>, b: Prepared<T>): number => {
    // Walk both entries' counted scores latest first, one event at a time.
    let i = a.end - 1;
    let j = b.end - 1;
    for (;;) {
      while (i >= a.first && dropped[i]) i--;
      while (j >= b.first && dropped[j]) j--;
      if (i < a.first && j < b.first) return 0;
      if (i < a.first) {
        if (explaining) why = `MOST_RECENT: no result on ${dates[ord[j]]}`;
        return 1;
      }
      if (j < b.first) {
        if (explaining) why = `MOST_RECENT: scored on ${dates[ord[i]]}`;
        return -1;
      }
      if (ord[i] === ord[j]) {
        const mx = milli[i];
        const my = milli[j];
        if (mx !== my) {
          if (explaining) why = `MOST_RECENT: ${mx / 1000} vs ${my / 1000} on ${dates[ord[i]]}`;
          return lowPoint ? mx - my : my - mx;
        }
        i -= 1;
        j -= 1;
      } else if (ord[i] > ord[j]) {
        if (explaining) why = `MOST_RECENT: scored on ${dates[ord[i]]}`;
        return -1;
      } else {
        if (explaining) why = `MOST_RECENT: no result on ${dates[ord[j]]}`;
        return 1;
      }
    }
  };

  const fewerEvents = (a: Prepared<T>, b: Prepared<T>): number => {
    const d = a.counted - b.counted;
    if (d !== 0 && explaining) why = `FEWER_EVENTS: ${a.counted} vs ${b.counted}`;
    return d;
  };

  /** < 0 when a ranks before b, > 0 after, 0 when every configured rule ties them. */
  const decide = (a: Prepared<T>, b: Prepared<T>): number => {
    if (a.ranked !== b.ranked) {
      if (explaining) why = 'ranked before unranked';
      return a.ranked ? -1 : 1;
    }
    if (a.milli !== b.milli) {
      if (explaining) why = 'points';
      return lowPoint ? a.milli - b.milli : b.milli - a.milli;
    }
    for (let r = 0; r < codes.length; r++) {
      const code = codes[r];
      const d = code === COUNTBACK ? countback(a, b) : code === MOST_RECENT ? mostRecent(a, b) : fewerEvents(a, b);
      if (d !== 0) return d;
    }
    return 0;
  };

  /** Why a ranks before b, or null when every configured rule ties them. */
  const explain = (a: Prepared<T>, b: Prepared<T>): string | null => {
    explaining = true;
    const order = decide(a, b);
    explaining = false;
    return order === 0 ? null : why;
  };

  // First by ranked and points alone, on flat arrays; then each run of equal points by the
  // tie-breaks and the key. The order is the same as one sort by the whole comparator.
  const n = items.length;
  const rankedOf = new Uint8Array(n);
  const milliOf = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    rankedOf[k] = items[k].ranked ? 1 : 0;
    milliOf[k] = items[k].milli;
    order[k] = k;
  }
  order.sort(lowPoint ? (i, j) => rankedOf[j] - rankedOf[i] || milliOf[i] - milliOf[j] : (i, j) => rankedOf[j] - rankedOf[i] || milliOf[j] - milliOf[i]);
  // Tie-break keys are prepared for the entries of those runs alone.
  const prepared: (Prepared<T> | undefined)[] = new Array(n);
  const byKey = (a: Prepared<T>, b: Prepared<T>) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  for (let i = 0; i < n; ) {
    const k = order[i];
    let j = i + 1;
    while (j < n && rankedOf[order[j]] === rankedOf[k] && milliOf[order[j]] === milliOf[k]) j++;
    if (j > i + 1) {
      const run: Prepared<T>[] = [];
      for (let t = i; t < j; t++) run.push(prepare(order[t]));
      run.sort((a, b) => decide(a, b) || byKey(a, b));
      for (let t = i; t < j; t++) {
        prepared[t] = run[t - i];
        order[t] = run[t - i].index;
      }
    }
    i = j;
  }

  const out: Ranked<T>[] = new Array(n);
  let position = 0;
  let dense = 0;
  for (let i = 0; i < n; i++) {
    const k = order[i];
    const ranked = rankedOf[k] === 1;
    const above = i > 0 ? order[i - 1] : -1;
    // Neighbours on different points (or ranked and not) are in different runs.
    const why =
      above < 0 ? 'first'
      : rankedOf[above] !== rankedOf[k] ? 'ranked before unranked'
      : milliOf[above] !== milliOf[k] ? 'points'
      : explain(prepared[i - 1]!, prepared[i]!);
    const tied = why === null;
    if (!tied) {
      dense += 1;
      position = i + 1;
    }
    out[i] = {
      item: items[k],
      position: ranked ? (rules.dense ? dense : position) : null,
      seq: i + 1,
      tieBreak: above < 0 || !ranked ? null : tied ? `tied with ${items[above].key}; ordered by key` : why === 'points' ? null : why,
    };
  }
  return out;
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
