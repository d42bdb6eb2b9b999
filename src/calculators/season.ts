import { ContributionLine } from './types';

/** An entry's score in one event, with the lines that explain it. */
export interface EventScore {
  eventId: number;
  date: string;
  milli: number;
  lines: ContributionLine[];
  nonDroppable: boolean;
  /** Places of the rider's results (individual entries), for count-back. */
  places: number[];
}

export interface SeasonRules {
  bestOf: number | null;
  dropWorst: number | null;
  lowPoint: boolean;
}

export interface SeasonOutcome {
  counted: EventScore[];
  dropped: { score: EventScore; reason: string }[];
}

/** Earlier events first; among equal dates, the lower event id. */
export const byDate = (a: EventScore, b: EventScore): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.eventId - b.eventId);

/**
 * Applies drop-worst, then best-of, to one entry's event scores. Events that may not be
 * dropped always count. Among equally bad scores the earliest event is dropped first.
 */
export function applySeasonRules(scores: EventScore[], rules: SeasonRules): SeasonOutcome {
  // worst first; equal scores: earliest first
  const worstFirst = (a: EventScore, b: EventScore) => (rules.lowPoint ? b.milli - a.milli : a.milli - b.milli) || byDate(a, b);
  const droppable = scores.filter((s) => !s.nonDroppable).sort(worstFirst);
  const fixed = scores.filter((s) => s.nonDroppable);
  const dropped: SeasonOutcome['dropped'] = [];

  const worst = Math.min(rules.dropWorst ?? 0, droppable.length);
  for (const score of droppable.splice(0, worst)) dropped.push({ score, reason: `one of the ${rules.dropWorst} worst results` });

  if (rules.bestOf != null) {
    const room = Math.max(0, rules.bestOf - fixed.length);
    const excess = Math.max(0, droppable.length - room);
    for (const score of droppable.splice(0, excess)) dropped.push({ score, reason: `outside the best ${rules.bestOf}` });
  }
  return { counted: [...fixed, ...droppable].sort(byDate), dropped };
}
