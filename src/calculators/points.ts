import { PointsScaleConfig, RaceResultInput } from './types';

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
 * Scores one race (one event, one category): each result's points in integer thousandths, so
 * sums are exact and order-free, in the order of `results` (a flat array, no object per
 * result). Riders sharing a place split the points of the places they occupy (AVERAGE) or each
 * get the place's points (SAME). `multiplier` is the event's times the category's; each result
 * is rounded to 0.001 once.
 */
export function scoreRace(scale: PointsScaleConfig, results: RaceResultInput[], multiplier: number): Float64Array {
  let starters = 0;
  let maxPlace = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r.status !== 'DNS') starters += 1;
    if (r.position !== null && r.position > maxPlace) maxPlace = r.position;
  }
  const pointsAt = maxPlace <= 2 * results.length + 64 ? densePlacePoints(scale, results, starters, maxPlace) : sparsePlacePoints(scale, results, starters);
  const out = new Float64Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const result = results[i];
    const points = result.position !== null ? pointsAt(result.position) : statusPoints(scale, result, starters);
    out[i] = Math.round(points * multiplier * 1000);
  }
  return out;
}

/** Points of a place shared by `tied` riders: the average of the places they occupy, or the place's own. */
function sharedPoints(scale: PointsScaleConfig, place: number, tied: number, starters: number): number {
  if (tied === 1 || scale.ties === 'SAME') return basePoints(scale, place, starters);
  let sum = 0;
  for (let p = place; p < place + tied; p++) sum += basePoints(scale, p, starters);
  return sum / tied;
}

/** Places are small whole numbers (≤ about the field size): count and score them in arrays. */
function densePlacePoints(scale: PointsScaleConfig, results: RaceResultInput[], starters: number, maxPlace: number): (place: number) => number {
  const tied = new Int32Array(maxPlace + 1);
  for (let i = 0; i < results.length; i++) {
    const place = results[i].position;
    if (place !== null) tied[place] += 1;
  }
  const points = new Float64Array(maxPlace + 1);
  for (let place = 1; place <= maxPlace; place++) if (tied[place] > 0) points[place] = sharedPoints(scale, place, tied[place], starters);
  return (place) => points[place];
}

function sparsePlacePoints(scale: PointsScaleConfig, results: RaceResultInput[], starters: number): (place: number) => number {
  const byPlace = new Map<number, number>();
  for (const r of results) if (r.position !== null) byPlace.set(r.position, (byPlace.get(r.position) ?? 0) + 1);
  const placePoints = new Map<number, number>();
  for (const [place, tied] of byPlace) placePoints.set(place, sharedPoints(scale, place, tied, starters));
  return (place) => placePoints.get(place)!;
}
