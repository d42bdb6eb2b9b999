import { ScoreStore } from './store';

export interface SeasonRules {
  bestOf: number | null;
  dropWorst: number | null;
  lowPoint: boolean;
}

/**
 * An entry's event scores after the season rules. The dropped ones are marked in the store and
 * listed in the order they were dropped: the first `droppedWorst` by drop-worst, the rest by
 * best-of. The others count.
 */
export interface SeasonOutcome {
  dropped: number[];
  droppedWorst: number;
  counted: number;
}

const NONE: number[] = [];

/**
 * Applies drop-worst, then best-of, to the event scores `first` … `end - 1` of one entry (in
 * event order: earlier events first; among equal dates, the lower event id). Events that may
 * not be dropped always count. Among equally bad scores the earliest event is dropped first.
 */
export function applySeasonRules(store: ScoreStore, first: number, end: number, rules: SeasonRules): SeasonOutcome {
  const { milli, nonDroppable, ord } = store;
  let fixed = 0;
  for (let s = first; s < end; s++) fixed += nonDroppable[s];
  const free = end - first - fixed;
  const worst = Math.min(rules.dropWorst ?? 0, free);
  const room = rules.bestOf != null ? Math.max(0, rules.bestOf - fixed) : Infinity;
  const excess = Math.max(0, free - worst - room);
  if (worst + excess === 0) return { dropped: NONE, droppedWorst: 0, counted: end - first };

  // Droppable scores, worst first; equal scores: earliest first. The scores come in event
  // order, so a stable sort on points alone keeps the earlier event first.
  const droppable: number[] = [];
  for (let s = first; s < end; s++) if (!nonDroppable[s]) droppable.push(s);
  if (droppable.length > 64) {
    droppable.sort(rules.lowPoint ? (a, b) => milli[b] - milli[a] || ord[a] - ord[b] : (a, b) => milli[a] - milli[b] || ord[a] - ord[b]);
  } else {
    for (let i = 1; i < droppable.length; i++) {
      const s = droppable[i];
      const m = milli[s];
      let j = i;
      if (rules.lowPoint) while (j > 0 && milli[droppable[j - 1]] < m) droppable[j] = droppable[--j];
      else while (j > 0 && milli[droppable[j - 1]] > m) droppable[j] = droppable[--j];
      droppable[j] = s;
    }
  }
  droppable.length = worst + excess;
  for (const s of droppable) store.dropped[s] = 1;
  return { dropped: droppable, droppedWorst: worst, counted: end - first - droppable.length };
}
