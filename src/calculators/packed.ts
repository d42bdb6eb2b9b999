import { ScoringError } from './errors';
import * as format from './packed-format';
import { validateRedress } from './redress';
import { CodeTable } from './status-codes';
import { ComputeInput, CustomValueRef, PackedInput, PackedRace, RaceResultInput, ResultRedress } from './types';
import { validateResult } from './validate';

// Held in module constants: read off the codec's exports in a loop, each use is a property load (2-6 % slower at 1M results).
const { CUSTOM1_AT, CUSTOM2_AT, CUSTOM3_AT, ID_AT, INTS_PER_RESULT: STRIDE, NO_ID, NO_PLACE, NO_TIME, PARTICIPANT_AT, PLACE_AT: PLACE, STATUS_AT: STATUS, TIME_AT: TIME, UNKNOWN_STATUS_CODE, statusCode } = format;
const PLACED = format.PLACED_BY_CODE;

/**
 * Result objects packed, race by race in the order races first appear, results within a race
 * in input order; each result is validated first (whole 32-bit numbers only fit the packing).
 * Names come from the first result that names a rider or group.
 */
export function toPackedInput(input: ComputeInput): PackedInput {
  // Results usually come race by race: the last race's list is tried before the lookup.
  const byEvent = new Map<number, Map<string, RaceResultInput[]>>();
  const order: RaceResultInput[][] = [];
  const participantNames = new Map<number, string>();
  const customValues = new Map<number, CustomValueRef>();
  const redress = new Map<number, ResultRedress>();
  const name = (ref: CustomValueRef | null) => {
    if (ref && !customValues.has(ref.id)) customValues.set(ref.id, ref);
  };
  let last: RaceResultInput[] | null = null;
  const registered = input.scale.registeredCodes;
  for (const result of input.results) {
    validateResult(result, registered);
    if (result.redress != null) {
      if (result.status !== 'RDG') throw new ScoringError('INVALID_RESULT', `result ${result.id}`, `result ${result.id} (${result.participantName}): a ${result.status} result cannot have redress (RDG only)`);
      validateRedress(result.redress, `result ${result.id}`);
      redress.set(result.id, result.redress);
    }
    if (last === null || last[0].eventId !== result.eventId || last[0].category !== result.category) {
      let categories = byEvent.get(result.eventId);
      if (!categories) byEvent.set(result.eventId, (categories = new Map()));
      last = categories.get(result.category) ?? null;
      if (last === null) {
        categories.set(result.category, (last = []));
        order.push(last);
      }
    }
    last.push(result);
    if (!participantNames.has(result.participantId)) participantNames.set(result.participantId, result.participantName);
    name(result.custom1);
    name(result.custom2);
    name(result.custom3);
  }
  const races = order.map((list): PackedRace => {
    const results = new Int32Array(list.length * STRIDE);
    for (let i = 0, at = 0; i < list.length; i++, at += STRIDE) {
      const r = list[i];
      results[at + ID_AT] = r.id;
      results[at + PARTICIPANT_AT] = r.participantId;
      results[at + CUSTOM1_AT] = r.custom1?.id ?? NO_ID;
      results[at + CUSTOM2_AT] = r.custom2?.id ?? NO_ID;
      results[at + CUSTOM3_AT] = r.custom3?.id ?? NO_ID;
      results[at + PLACE] = r.position ?? NO_PLACE;
      results[at + STATUS] = statusCode(r.status, registered);
      results[at + TIME] = r.timeMs ?? NO_TIME;
    }
    return { eventId: list[0].eventId, category: list[0].category, results };
  });
  return { scale: input.scale, board: input.board, events: input.events, races, participantNames, customValues, ...(redress.size > 0 ? { redress } : {}) };
}

/**
 * The checks validateResult makes, on a packed race: a known status (a built-in or one of the
 * scale's registered codes, `codes`), a place only for a placed status (a finisher, or a
 * penalty on the place), a time ≥ 0 or none.
 */
export function validatePackedRace(race: PackedRace, participantNames: ReadonlyMap<number, string>, codes: CodeTable): void {
  const { known, names } = codes;
  const { results } = race;
  if (results.length % STRIDE !== 0) {
    throw new ScoringError('INVALID_RESULT', `event ${race.eventId}`, `race ${race.eventId}/${race.category}: ${results.length} ints is not whole results`);
  }
  for (let at = 0; at < results.length; at += STRIDE) {
    const status = results[at + STATUS];
    const place = results[at + PLACE];
    if (status >= 0 && status <= UNKNOWN_STATUS_CODE && known[status] === 1 && place >= 0 && (place === 0 || PLACED[status] === 1) && results[at + TIME] >= NO_TIME) continue;
    const id = results[at + ID_AT];
    const participant = results[at + PARTICIPANT_AT];
    const name = participantNames.get(participant) ?? `#${participant}`;
    const message =
      !(status >= 0 && status <= UNKNOWN_STATUS_CODE && known[status] === 1) ? `unknown status code ${status}`
      : place < 0 ? `place ${place} is not a whole number ≥ 1`
      : results[at + TIME] < NO_TIME ? `time ${results[at + TIME]} is not a whole number of milliseconds ≥ 0`
      : `a ${names[status]} result cannot have a place`;
    throw new ScoringError('INVALID_RESULT', `result ${id}`, `result ${id} (${name}, event ${race.eventId}, ${race.category}): ${message}`);
  }
}

/** `b`'s results after `a`'s (two result sets for one race). */
export function concatResults(a: Int32Array, b: Int32Array): Int32Array {
  const results = new Int32Array(a.length + b.length);
  results.set(a);
  results.set(b, a.length);
  return results;
}
