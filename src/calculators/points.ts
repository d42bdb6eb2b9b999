import * as format from './packed-format';
import { penalisedPoints, RaceCounts, resolveCodes, unplacedScores } from './status-codes';
import { PointsScaleConfig } from './types';

// Held in module constants: read off the codec's exports in a loop, each use is a property load (2-6 % slower at 1M results).
const { INTS_PER_RESULT: STRIDE, PLACE_AT: PLACE, STATUS_AT: STATUS, TIME_AT: TIME } = format;
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
    case 'TIME':
    case 'PERCENT_OF_WINNER':
      return 0; // scored by time, not place (scoreByTime)
  }
}

/**
 * An unplaced result's points by status code (before multipliers) in a race where all
 * `starters` riders entered, started and finished: what a scale gives each code, for a preview
 * of the scale (the admin console's). Races score through scoreRace, which counts the race.
 */
export function statusPoints(scale: PointsScaleConfig, status: number, starters: number): number {
  return unplacedScores(scale, { starters, finishers: starters, enteredInRace: starters, enteredInSeries: starters })[status];
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
  if (scale.kind === 'TIME' || scale.kind === 'PERCENT_OF_WINNER') return scoreByTime(scale, results, multiplier, enteredInSeries);
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
  // Adding 0 changes no sum: scales without participation points score exactly as before.
  const participation = scale.participationPoints ?? 0;
  const out = new Float64Array(size);
  for (let i = 0, at = 0; i < size; i++, at += STRIDE) {
    const place = results[at + PLACE];
    const status = results[at + STATUS];
    const points = place === 0 ? byStatus[status]
      : status === FIN ? pointsAt(place)
      : codes[status].rule === 'PENALTY' ? penalisedPoints(codes[status], pointsAt(place), byStatus[DNF], lowPoint)
      : byStatus[status];
    out[i] = Math.round((points * multiplier + (started(status) ? participation : 0)) * 1000);
  }
  return out;
}

/** Participation points go to every result but those of riders who did not start (DNS) or come (DNC). */
function started(status: number): boolean {
  return status !== DNS && status !== DNC;
}

// --- Time-based scoring (issue 15) ---

/** TIME scales rank lowest first, like low-point scales. */
export function lowerIsBetter(scale: PointsScaleConfig): boolean {
  return scale.lowPoint === true || scale.kind === 'TIME';
}

/**
 * Whether a packed result has a time a TIME scale can count: a finisher with a time. A placed
 * penalty code (ZFP, SCP, DPI) is not timed: a penalty in points has no meaning on a time.
 */
export function isTimed(results: Int32Array, at: number): boolean {
  return results[at + STATUS] === FIN && results[at + TIME] >= 0;
}

/**
 * TIME: each timed finisher's elapsed time, in thousandths of a second (its milliseconds), so
 * totals are exact and points read as seconds; multipliers do not apply to times. Untimed
 * results are left out before scoring (isTimed), so their value here (NaN) is never read.
 * PERCENT_OF_WINNER: winner's time / rider's time × 100 rounded to `precision` decimals
 * (default 2), then multipliers; the untimed score by their status code (unplacedScores: 0 by
 * default on these high-point scales).
 */
function scoreByTime(scale: PointsScaleConfig, results: Int32Array, multiplier: number, enteredInSeries: number): Float64Array {
  const size = results.length / STRIDE;
  const out = new Float64Array(size);
  if (scale.kind === 'TIME') {
    for (let i = 0, at = 0; i < size; i++, at += STRIDE) out[i] = isTimed(results, at) ? results[at + TIME] : NaN;
    return out;
  }
  let winner = Infinity;
  for (let at = 0; at < results.length; at += STRIDE) {
    if (isTimed(results, at) && results[at + TIME] < winner) winner = results[at + TIME];
  }
  const byStatus = unplacedScores(scale, raceCounts(results, enteredInSeries));
  const scaleBy = 10 ** (scale.precision ?? 2);
  const participation = scale.participationPoints ?? 0;
  for (let i = 0, at = 0; i < size; i++, at += STRIDE) {
    const time = results[at + TIME];
    const status = results[at + STATUS];
    const points = !isTimed(results, at) ? byStatus[status] : time === 0 ? 100 : Math.round((winner / time) * 100 * scaleBy) / scaleBy;
    out[i] = Math.round((points * multiplier + (started(status) ? participation : 0)) * 1000);
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
