import { ScoringError } from './errors';
import { EVENT_SCOPES } from './event-scope';
// From the codec itself: through types.ts's re-export it is a getter, called once per result here.
import { FIRST_REGISTERED_CODE, PLACED_STATUSES, RegisteredCodes, STATUSES, UNKNOWN_STATUS_CODE } from './packed-format';
import { CODE_BASES, EventInput, LeaderboardConfig, MISSED_RACES, PointsScaleConfig, RaceResultInput, Status, StatusCodeRules } from './types';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function scaleError(path: string, message: string): never {
  throw new ScoringError('INVALID_SCALE', path, message);
}
function boardError(path: string, message: string): never {
  throw new ScoringError('INVALID_BOARD', path, message);
}

export function validatePointsScale(scale: PointsScaleConfig): void {
  switch (scale.kind) {
    case 'TABLE':
      if (!Array.isArray(scale.table) || scale.table.length === 0) scaleError('table', 'a TABLE scale needs a non-empty table of points');
      scale.table.forEach((p, i) => finite(p) || scaleError('table', `table[${i}] is not a finite number`));
      break;
    case 'LINEAR':
      if (!finite(scale.first)) scaleError('first', 'a LINEAR scale needs first (the winner\'s points)');
      if (!finite(scale.step) || scale.step < 0) scaleError('step', 'a LINEAR scale needs step ≥ 0 (points fewer per place)');
      break;
    case 'FIELD_SIZE':
    case 'PERCENT_OF_FIELD':
    case 'TIME':
    case 'PERCENT_OF_WINNER':
      break;
    default:
      scaleError('kind', `unknown points scale kind "${String((scale as { kind: unknown }).kind)}"`);
  }
  for (const key of ['beyondTable', 'floor'] as const) {
    if (scale[key] !== undefined && !finite(scale[key])) scaleError(key, `${key} is not a finite number`);
  }
  for (const [status, points] of Object.entries(scale.statusPoints ?? {})) {
    if (!['DNF', 'DNS', 'DSQ'].includes(status)) scaleError('statusPoints', `unknown status "${status}"`);
    if (!finite(points)) scaleError(`statusPoints.${status}`, `statusPoints.${status} is not a finite number`);
  }
  if (scale.ties !== undefined && scale.ties !== 'AVERAGE' && scale.ties !== 'SAME') scaleError('ties', 'ties must be AVERAGE or SAME');
  validateRegisteredCodes(scale.registeredCodes);
  validateStatusCodes(scale.codes, scale.registeredCodes);
  validateTimeScale(scale);
}

/** An organiser-defined code: capitals and digits, a capital first, 2 to 10 long. */
export const REGISTERED_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;

/** The registry as given: well-formed codes, none a built-in, numbers in their range and distinct. */
function validateRegisteredCodes(registered: RegisteredCodes | undefined): void {
  if (registered === undefined) return;
  const numbers = new Set<number>();
  for (const [code, number] of Object.entries(registered)) {
    const path = `registeredCodes.${code}`;
    if (!REGISTERED_CODE_PATTERN.test(code) || STATUSES.includes(code as Status)) scaleError(path, `"${code}" is not an organiser-defined code`);
    if (!(Number.isInteger(number) && number >= FIRST_REGISTERED_CODE && number < UNKNOWN_STATUS_CODE) || numbers.has(number)) {
      scaleError(path, `${path} must be a number of its own from ${FIRST_REGISTERED_CODE} to ${UNKNOWN_STATUS_CODE - 1}, got ${number}`);
    }
    numbers.add(number);
  }
}

/** Every code a result may carry but FIN, built-in then organiser-defined: what an unknown code's message lists. */
export function knownCodes(registered: RegisteredCodes | undefined): string[] {
  return [...STATUSES.filter((s) => s !== 'FIN'), ...Object.keys(registered ?? {}).sort()];
}

function isKnownCode(code: string, registered: RegisteredCodes | undefined): boolean {
  return STATUSES.includes(code as Status) || (registered !== undefined && Object.prototype.hasOwnProperty.call(registered, code));
}

// ---------- status codes (issue 15, part A) ----------

const CODE_RULE_KEYS = ['base', 'plus', 'points', 'penaltyPercent', 'penaltyPoints', 'redress', 'eventIds', 'discardable'];

/** `codes`: known codes only, each a number or one rule of CodeScoring's shapes, with sound values. */
function validateStatusCodes(codes: StatusCodeRules | undefined, registered: RegisteredCodes | undefined): void {
  if (codes === undefined) return;
  if (codes === null || typeof codes !== 'object' || Array.isArray(codes)) scaleError('codes', 'codes must be an object of status code → rule');
  for (const [code, rule] of Object.entries(codes)) {
    const path = `codes.${code}`;
    if (code === 'FIN' || !isKnownCode(code, registered)) scaleError(path, `unknown status code "${code}"; known: ${knownCodes(registered).join(', ')}`);
    if (typeof rule === 'number') {
      if (!finite(rule)) scaleError(path, `${path} is not a finite number`);
      continue;
    }
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) scaleError(path, `${path} must be a number or a rule object`);
    for (const key of Object.keys(rule)) if (!CODE_RULE_KEYS.includes(key)) scaleError(`${path}.${key}`, `unknown setting "${key}"; known: ${CODE_RULE_KEYS.join(', ')}`);
    const shapes = [rule.base !== undefined || rule.plus !== undefined, rule.points !== undefined, rule.penaltyPercent !== undefined || rule.penaltyPoints !== undefined, rule.redress !== undefined];
    if (shapes.filter(Boolean).length > 1) scaleError(path, `${path} mixes rules: give one of { base, plus }, { points }, { penaltyPercent, penaltyPoints } or { redress }`);
    if (rule.base !== undefined && !CODE_BASES.includes(rule.base)) scaleError(`${path}.base`, `unknown base "${String(rule.base)}"; known: ${CODE_BASES.join(', ')}`);
    for (const key of ['plus', 'points', 'penaltyPoints'] as const) {
      if (rule[key] !== undefined && !finite(rule[key])) scaleError(`${path}.${key}`, `${path}.${key} is not a finite number`);
    }
    if (rule.penaltyPoints !== undefined && rule.penaltyPoints < 0) scaleError(`${path}.penaltyPoints`, `${path}.penaltyPoints must be ≥ 0`);
    if (rule.penaltyPercent !== undefined && !(finite(rule.penaltyPercent) && rule.penaltyPercent >= 0 && rule.penaltyPercent <= 100)) {
      scaleError(`${path}.penaltyPercent`, `${path}.penaltyPercent must be a percentage from 0 to 100, got ${String(rule.penaltyPercent)}`);
    }
    if ((rule.penaltyPercent !== undefined || rule.penaltyPoints !== undefined) && !PLACED_STATUSES.includes(code as Status)) {
      scaleError(path, `a penalty on the place is for placed codes (${PLACED_STATUSES.filter((s) => s !== 'FIN').join(', ')}), not ${code}`);
    }
    if (rule.redress !== undefined && rule.redress !== 'AVERAGE') scaleError(`${path}.redress`, 'redress must be AVERAGE (or give points or a base for a stated score)');
    if (rule.redress !== undefined && code !== 'RDG') scaleError(`${path}.redress`, `redress is for RDG, not ${code}`);
    if (rule.eventIds !== undefined) {
      if (rule.redress === undefined) scaleError(`${path}.eventIds`, 'eventIds go with redress: "AVERAGE" (the races to average)');
      if (!Array.isArray(rule.eventIds) || rule.eventIds.length === 0 || !rule.eventIds.every((id) => positiveInt(id))) scaleError(`${path}.eventIds`, 'eventIds must be a non-empty list of event ids');
      if (new Set(rule.eventIds).size !== rule.eventIds.length) scaleError(`${path}.eventIds`, 'an event is listed twice');
    }
    if (rule.discardable !== undefined && typeof rule.discardable !== 'boolean') scaleError(`${path}.discardable`, 'discardable must be true or false');
  }
}

/** Time-based kinds and participation points (issue 15). */
function validateTimeScale(scale: PointsScaleConfig): void {
  if (scale.precision != null && !(Number.isInteger(scale.precision) && scale.precision >= 0 && scale.precision <= 3)) {
    scaleError('precision', `precision must be a whole number of decimals from 0 to 3, got ${scale.precision}`);
  }
  if (scale.kind === 'PERCENT_OF_WINNER' && scale.lowPoint) scaleError('lowPoint', 'a PERCENT_OF_WINNER scale is high-point (the winner gets 100); lowPoint must be false');
  if (scale.participationPoints != null) {
    if (!finite(scale.participationPoints) || scale.participationPoints < 0) scaleError('participationPoints', `participationPoints must be a finite number ≥ 0, got ${scale.participationPoints}`);
    if (scale.lowPoint || scale.kind === 'TIME') scaleError('participationPoints', 'participationPoints add to points where more is better: not on a low-point or TIME scale');
  }
}

/** Ids are PostgreSQL integers, and the calculators keep them in Int32Arrays. */
const int32 = (v: unknown) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31;
const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const nonNegativeInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

export function validateLeaderboardConfig(board: LeaderboardConfig): void {
  if (!['INDIVIDUAL', 'SCHOOL', 'TOP_SCHOOLS', 'GROUP'].includes(board.type)) boardError('type', `unknown leaderboard type "${board.type}"`);
  if (!Array.isArray(board.categories) || board.categories.length === 0) boardError('categories', 'a board needs at least one category');
  const seen = new Set<string>();
  for (const c of board.categories) {
    if (typeof c.code !== 'string' || c.code.length === 0) boardError('categories', 'a category needs a code');
    if (seen.has(c.code)) boardError('categories', `category "${c.code}" is listed twice`);
    seen.add(c.code);
    if (!finite(c.multiplier) || c.multiplier <= 0) boardError('categories', `category "${c.code}" has multiplier ${c.multiplier}; it must be a positive number`);
  }
  if (!EVENT_SCOPES.includes(board.eventScope)) boardError('eventScope', `unknown event scope "${board.eventScope}"`);
  if (board.eventScope === 'LISTED' && !(board.eventIds?.length)) boardError('eventIds', 'eventScope LISTED needs at least one event');
  if (board.bestOf != null && !positiveInt(board.bestOf)) boardError('bestOf', `bestOf must be a whole number ≥ 1, got ${board.bestOf}`);
  if (board.dropWorst != null && !nonNegativeInt(board.dropWorst)) boardError('dropWorst', `dropWorst must be a whole number ≥ 0, got ${board.dropWorst}`);
  if (board.minEvents != null && !nonNegativeInt(board.minEvents)) boardError('minEvents', `minEvents must be a whole number ≥ 0, got ${board.minEvents}`);
  if (board.countingRiders != null && !positiveInt(board.countingRiders)) boardError('countingRiders', `countingRiders must be a whole number ≥ 1, got ${board.countingRiders}`);
  if (board.minRiders != null && !nonNegativeInt(board.minRiders)) boardError('minRiders', `minRiders must be a whole number ≥ 0, got ${board.minRiders}`);
  if (board.type === 'GROUP' && !(board.groupBy?.length)) boardError('groupBy', 'a GROUP board needs groupBy, e.g. ["custom3", "custom2"]');
  for (const slot of board.groupBy ?? []) {
    if (!['custom1', 'custom2', 'custom3'].includes(slot)) boardError('groupBy', `unknown slot "${slot}"`);
  }
  validateDiscardSchedule(board);
  const tieBreaks = board.tieBreaks ?? [];
  for (const t of tieBreaks) if (!['COUNTBACK', 'MOST_RECENT', 'FEWER_EVENTS', 'RRS_A8_1', 'RRS_A8_2'].includes(t)) boardError('tieBreaks', `unknown tie-break "${t}"`);
  if (new Set(tieBreaks).size !== tieBreaks.length) boardError('tieBreaks', 'a tie-break is listed twice');
  if (board.ranking !== undefined && board.ranking !== 'STANDARD' && board.ranking !== 'DENSE') boardError('ranking', 'ranking must be STANDARD or DENSE');
  if (board.missed !== undefined && !MISSED_RACES.includes(board.missed)) boardError('missed', `missed must be ${MISSED_RACES.join(' or ')}`);
}

/** Appendix A's discard schedule (issue 15): strictly increasing race counts, instead of dropWorst. */
function validateDiscardSchedule(board: LeaderboardConfig): void {
  const schedule = board.discardSchedule;
  if (schedule == null) return;
  if (!Array.isArray(schedule)) boardError('discardSchedule', 'discardSchedule must be a list of race counts, e.g. [4, 8]');
  schedule.forEach((n, i) => {
    if (!positiveInt(n)) boardError('discardSchedule', `discardSchedule[${i}] must be a whole number ≥ 1, got ${n}`);
    if (i > 0 && n <= schedule[i - 1]) boardError('discardSchedule', `discardSchedule must be increasing: ${schedule[i - 1]} then ${n}`);
  });
  if (schedule.length > 0 && (board.dropWorst ?? 0) > 0) boardError('discardSchedule', 'set dropWorst or discardSchedule, not both');
}

export function validateEvent(event: EventInput): void {
  if (!finite(event.pointsMultiplier) || event.pointsMultiplier <= 0) {
    throw new ScoringError('INVALID_EVENT', `event ${event.id}`, `event ${event.id} ("${event.name}") has points multiplier ${event.pointsMultiplier}; it must be a positive number`);
  }
}

export function validateResult(result: RaceResultInput, registered?: RegisteredCodes): void {
  const bad = (message: string): never => {
    throw new ScoringError('INVALID_RESULT', `result ${result.id}`, `result ${result.id} (${result.participantName}, event ${result.eventId}, ${result.category}): ${message}`);
  };
  if (!isKnownCode(result.status, registered)) bad(`unknown status "${result.status}"`);
  if (!int32(result.participantId)) bad(`participant id ${result.participantId} is not a 32-bit whole number`);
  for (const slot of ['custom1', 'custom2', 'custom3'] as const) {
    const ref = result[slot];
    if (ref !== null && ref !== undefined && !(int32(ref.id) && ref.id >= 0)) bad(`${slot} id ${ref.id} is not a 32-bit whole number ≥ 0`);
  }
  if (result.position !== null) {
    if (!Number.isInteger(result.position) || result.position < 1 || result.position >= 2 ** 31) bad(`place ${result.position} is not a whole number ≥ 1`);
    if (!PLACED_STATUSES.includes(result.status as Status)) bad(`a ${result.status} result cannot have a place`);
  }
  // Whole milliseconds below 2^31: the schema's integer, and what the packed time slot holds.
  if (result.timeMs != null && !(int32(result.timeMs) && result.timeMs >= 0)) bad(`time ${result.timeMs} is not a whole number of milliseconds ≥ 0`);
}
