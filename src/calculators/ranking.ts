import { ScoreStore } from './store';
import { CountbackKeys, NO_PLACES, tieBreakRules, TieKeys } from './tie-breaks';
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

/** An entry of a run of equal points, with its tie-break keys. */
interface Prepared<T extends Rankable> extends TieKeys {
  item: T;
  /** The item's index in the input. */
  index: number;
  key: string;
  ranked: boolean;
  milli: number;
}

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
 * entries alone. Each tie-break is a TieBreakRule (tie-breaks.ts): comparisons return numbers,
 * and the explanation ("why") is only made for neighbours after sorting.
 */
export function rank<T extends Rankable>(items: T[], rules: RankingRules, data: RankingData): Ranked<T>[] {
  const { store, dates } = data;
  const lowPoint = rules.lowPoint;
  const tieBreaks = tieBreakRules(rules.tieBreaks, { store, dates, lowPoint });
  const needsPlaces = rules.tieBreaks.includes('COUNTBACK');
  const needsScores = rules.tieBreaks.includes('RRS_A8_1');

  // Tie-break keys, for entries that share their points with another (only those are compared on them).
  const countback = needsPlaces || needsScores ? new CountbackKeys(store, items, lowPoint) : null;
  const prepare = (index: number): Prepared<T> => {
    const item = items[index];
    const places = countback && needsPlaces ? countback.places(item) : NO_PLACES;
    const best = countback && needsPlaces && places.length === 0 ? countback.best(item) : null;
    const scores = countback && needsScores ? best ?? countback.best(item) : null;
    return { item, index, key: item.key, ranked: item.ranked, milli: item.milli, first: item.first, end: item.end, counted: item.counted, places, best, scores };
  };

  /** < 0 when a ranks before b, > 0 after, 0 when every configured rule ties them. */
  const decide = (a: Prepared<T>, b: Prepared<T>): number => {
    if (a.ranked !== b.ranked) return a.ranked ? -1 : 1;
    if (a.milli !== b.milli) return lowPoint ? a.milli - b.milli : b.milli - a.milli;
    for (let r = 0; r < tieBreaks.length; r++) {
      const d = tieBreaks[r].compare(a, b);
      if (d !== 0) return d;
    }
    return 0;
  };

  /** Why a ranks before b (two entries of equal points), or null when every configured rule ties them. */
  const explain = (a: Prepared<T>, b: Prepared<T>): string | null => {
    for (const rule of tieBreaks) if (rule.compare(a, b) !== 0) return rule.explain(a, b);
    return null;
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
