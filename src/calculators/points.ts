import { PointsScaleConfig, RaceResultInput } from './types';

/** A race result with its points, in integer thousandths so sums are exact and order-free. */
export interface ScoredResult {
  result: RaceResultInput;
  milli: number;
}

/**
 * Points a placed finisher gets, before ties and multipliers.
 * "Starters" are everyone with a result in the race except DNS riders.
 */
export function basePoints(scale: PointsScaleConfig, place: number, starters: number): number {
  if (scale.lowPoint) return place;
  switch (scale.kind) {
    case 'TABLE':
      return scale.table![place - 1] ?? scale.beyondTable ?? 0;
    case 'LINEAR':
      return Math.max(scale.floor ?? 0, scale.first! - scale.step! * (place - 1));
    case 'FIELD_SIZE':
      return Math.max(0, starters - place + 1);
    case 'PERCENT_OF_FIELD':
      return starters === 0 ? 0 : Math.max(0, Math.round((100 * (starters - place + 1)) / starters));
  }
}

/** Non-finishers and unplaced finishers; in low-point scoring the default is one worse than last. */
export function statusPoints(scale: PointsScaleConfig, result: RaceResultInput, starters: number): number {
  const fallback = scale.lowPoint ? starters + 1 : result.status === 'FIN' ? (scale.kind === 'TABLE' ? scale.beyondTable ?? 0 : 0) : 0;
  if (result.status === 'FIN') return fallback;
  return scale.statusPoints?.[result.status] ?? fallback;
}

/**
 * Scores one race (one event, one category). Riders sharing a place split the points of the
 * places they occupy (AVERAGE) or each get the place's points (SAME). `multiplier` is the
 * event's times the category's; each result is rounded to 0.001 once.
 */
export function scoreRace(scale: PointsScaleConfig, results: RaceResultInput[], multiplier: number): ScoredResult[] {
  const starters = results.reduce((n, r) => (r.status === 'DNS' ? n : n + 1), 0);
  const byPlace = new Map<number, number>();
  for (const r of results) if (r.position !== null) byPlace.set(r.position, (byPlace.get(r.position) ?? 0) + 1);

  const placePoints = new Map<number, number>();
  for (const [place, tied] of byPlace) {
    if (tied === 1 || scale.ties === 'SAME') {
      placePoints.set(place, basePoints(scale, place, starters));
    } else {
      let sum = 0;
      for (let p = place; p < place + tied; p++) sum += basePoints(scale, p, starters);
      placePoints.set(place, sum / tied);
    }
  }
  return results.map((result) => {
    const points = result.position !== null ? placePoints.get(result.position)! : statusPoints(scale, result, starters);
    return { result, milli: Math.round(points * multiplier * 1000) };
  });
}
