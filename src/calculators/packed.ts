import { ScoringError } from './errors';
import { statusCode } from './store';
import { ComputeInput, CustomValueRef, INTS_PER_RESULT, PACKED, PackedInput, PackedRace, RaceResultInput, STATUSES } from './types';
import { validateResult } from './validate';

/** The packing's offsets as plain constants: the check below reads them once per result. */
const STRIDE = INTS_PER_RESULT;
const { place: PLACE, status: STATUS } = PACKED;

/**
 * Result objects packed, race by race in the order races first appear, results within a race
 * in input order; each result is validated first (whole 32-bit numbers only fit the packing).
 * Names come from the first result that names a rider or group.
 */
export function toPackedInput(input: ComputeInput): PackedInput {
  const byRace = new Map<string, RaceResultInput[]>();
  const participantNames = new Map<number, string>();
  const customValues = new Map<number, CustomValueRef>();
  for (const result of input.results) {
    validateResult(result);
    const key = `${result.eventId}\u0000${result.category}`;
    let list = byRace.get(key);
    if (!list) byRace.set(key, (list = []));
    list.push(result);
    if (!participantNames.has(result.participantId)) participantNames.set(result.participantId, result.participantName);
    for (const ref of [result.custom1, result.custom2, result.custom3]) if (ref && !customValues.has(ref.id)) customValues.set(ref.id, ref);
  }
  const races: PackedRace[] = [];
  for (const list of byRace.values()) {
    const results = new Int32Array(list.length * INTS_PER_RESULT);
    list.forEach((r, i) => {
      const at = i * INTS_PER_RESULT;
      results[at + PACKED.id] = r.id;
      results[at + PACKED.participant] = r.participantId;
      results[at + PACKED.custom1] = r.custom1?.id ?? -1;
      results[at + PACKED.custom2] = r.custom2?.id ?? -1;
      results[at + PACKED.custom3] = r.custom3?.id ?? -1;
      results[at + PACKED.place] = r.position ?? 0;
      results[at + PACKED.status] = statusCode(r.status);
    });
    races.push({ eventId: list[0].eventId, category: list[0].category, results });
  }
  return { scale: input.scale, board: input.board, events: input.events, races, participantNames, customValues };
}

/** The checks validateResult makes, on a packed race: a known status, a place only for a finisher. */
export function validatePackedRace(race: PackedRace, participantNames: ReadonlyMap<number, string>): void {
  const { results } = race;
  if (results.length % INTS_PER_RESULT !== 0) {
    throw new ScoringError('INVALID_RESULT', `event ${race.eventId}`, `race ${race.eventId}/${race.category}: ${results.length} ints is not whole results`);
  }
  for (let at = 0; at < results.length; at += STRIDE) {
    const status = results[at + STATUS];
    const place = results[at + PLACE];
    if (status >= 0 && status < STATUSES.length && place >= 0 && (place === 0 || status === 0)) continue;
    const id = results[at + PACKED.id];
    const participant = results[at + PACKED.participant];
    const name = participantNames.get(participant) ?? `#${participant}`;
    const message =
      !(status >= 0 && status < STATUSES.length) ? `unknown status code ${status}`
      : place < 0 ? `place ${place} is not a whole number ≥ 1`
      : `a ${STATUSES[status]} result cannot have a place`;
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
