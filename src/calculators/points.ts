import * as format from './packed-format';
import { penalisedPoints, RaceCounts, resolveCodes, unplacedScores } from './status-codes';
import { PointsScaleConfig } from './types';

// Held in module constants: read off the codec's exports in a loop, each use is a property load (2-6 % slower at 1M results).
const { INTS_PER_RESULT: STRIDE, PLACE_AT: PLACE, STATUS_AT: STATUS } = format;
const { FIN, DNF, DNS, DNC } = format.STATUS_CODE;
const PLACED = format.PLACED_BY_CODE;

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

/**
 * Scores one race (one event, one category): each result's points in integer thousandths, so
 * sums are exact and order-free, in the order of the packed `results` (see PackedRace; a flat
 * array, no object per result). Riders sharing a place split the points of the places they occupy (AVERAGE) or each
 * get the place's points (SAME). `multiplier` is the event's times the category's; each result
 * is rounded to 0.001 once. An unplaced result scores by its status code, a placed penalty code
 * (ZFP, SCP, DPI) its place's points worsened (status-codes.ts); `enteredInSeries` is the
 * riders entered in the board's races, for codes that count them.
 */
export function scoreRace(scale: PointsScaleConfig, results: Int32Array, multiplier: number, enteredInSeries = 0): Float64Array {
  const size = results.length / STRIDE;
  let maxPlace = 0;
  for (let at = PLACE; at < results.length; at += STRIDE) if (results[at] > maxPlace) maxPlace = results[at];
  const counts = raceCounts(results, enteredInSeries);
  const { starters } = counts;
  const pointsAt = maxPlace <= 2 * size + 64 ? densePlacePoints(scale, results, starters, maxPlace) : sparsePlacePoints(scale, results, starters);
  // Unplaced results score by status alone: a value per code, computed once.
  const byStatus = unplacedScores(scale, counts);
  const codes = resolveCodes(scale);
  const lowPoint = scale.lowPoint === true;
  const out = new Float64Array(size);
  for (let i = 0, at = 0; i < size; i++, at += STRIDE) {
    const place = results[at + PLACE];
    const status = results[at + STATUS];
    const points = place === 0 ? byStatus[status]
      : status === FIN ? pointsAt(place)
      : codes[status].rule === 'PENALTY' ? penalisedPoints(codes[status], pointsAt(place), byStatus[DNF], lowPoint)
      : byStatus[status];
    out[i] = Math.round(points * multiplier * 1000);
  }
  return out;
}

/** What the codes' bases count in a race: starters (all but DNS and DNC), finishers (placed statuses), results. */
export function raceCounts(results: Int32Array, enteredInSeries: number): RaceCounts {
  let starters = 0;
  let finishers = 0;
  for (let at = STATUS; at < results.length; at += STRIDE) {
    const status = results[at];
    if (status !== DNS && status !== DNC) starters += 1;
    finishers += PLACED[status];
  }
  return { starters, finishers, enteredInRace: results.length / STRIDE, enteredInSeries };
}

/** A missed race's points (a DNC) in a race, in thousandths, as scoreRace would give a DNC result there. */
export function missedRaceMilli(scale: PointsScaleConfig, results: Int32Array, multiplier: number, enteredInSeries: number): number {
  return Math.round(unplacedScores(scale, raceCounts(results, enteredInSeries))[DNC] * multiplier * 1000);
}

/** Points of a place shared by `tied` riders: the average of the places they occupy, or the place's own. */
function sharedPoints(scale: PointsScaleConfig, place: number, tied: number, starters: number): number {
  if (tied === 1 || scale.ties === 'SAME') return basePoints(scale, place, starters);
  let sum = 0;
  for (let p = place; p < place + tied; p++) sum += basePoints(scale, p, starters);
  return sum / tied;
}

/** Places are small whole numbers (≤ about the field size): count and score them in arrays. */
function densePlacePoints(scale: PointsScaleConfig, results: Int32Array, starters: number, maxPlace: number): (place: number) => number {
  const tied = new Int32Array(maxPlace + 1);
  for (let at = PLACE; at < results.length; at += STRIDE) tied[results[at]] += 1;
  const points = new Float64Array(maxPlace + 1);
  for (let place = 1; place <= maxPlace; place++) if (tied[place] > 0) points[place] = sharedPoints(scale, place, tied[place], starters);
  return (place) => points[place];
}

function sparsePlacePoints(scale: PointsScaleConfig, results: Int32Array, starters: number): (place: number) => number {
  const byPlace = new Map<number, number>();
  for (let at = PLACE; at < results.length; at += STRIDE) {
    const place = results[at];
    if (place > 0) byPlace.set(place, (byPlace.get(place) ?? 0) + 1);
  }
  const placePoints = new Map<number, number>();
  for (const [place, tied] of byPlace) placePoints.set(place, sharedPoints(scale, place, tied, starters));
  return (place) => placePoints.get(place)!;
}
