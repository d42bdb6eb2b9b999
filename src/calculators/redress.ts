/**
 * Redress (RDG), RRS A9: scored once every other event score of the rider is known. Each RDG
 * result takes the redress given to it (a stated score, or an average of listed or of all other
 * events), else the scale's RDG rule.
 */
import { ScoringError } from './errors';
import { STATUS_CODE } from './packed-format';
import { resolveCodes } from './status-codes';
import { kindStatus, ScoreStore } from './store';
import { PointsScaleConfig, ResultRedress } from './types';

const { RDG } = STATUS_CODE;

/** What an RDG line scores: a stated score (thousandths), an average (of these events; null: of all), or the score it has (null). */
type LineRule = { milli: number } | { events: ReadonlySet<number> | null } | null;

function lineRule(given: ResultRedress): LineRule {
  if ('points' in given) return { milli: Math.round(given.points * 10) * 100 };
  if ('events' in given) return { events: new Set(given.events) };
  return { events: null };
}

/**
 * Gives each RDG line of an individual board its redress: `lineRedress` (by line) holds the
 * redress given to a result, else the scale's RDG rule applies when it is an average. An average
 * is of the rider's event scores without an RDG (all of them, or those of the listed events), to
 * the nearest tenth (0.05 up); with no such score to average, the line keeps the score scoreRace
 * gave it (DNC's, under an averaging rule). A stated score replaces the line's score as given.
 * Updates the event scores of the lines it changes. `raceEvent` is each race's event id.
 */
export function applyRedress(store: ScoreStore, scale: PointsScaleConfig, raceEvent: number[], lineRedress: ReadonlyMap<number, ResultRedress> | null): void {
  const rule = resolveCodes(scale)[RDG];
  const byScale: LineRule = rule.rule === 'REDRESS' ? { events: rule.eventIds === null ? null : new Set(rule.eventIds) } : null;
  if (byScale === null && !lineRedress?.size) return;
  const { firstLine, lineKind, lineMilli, lineRace, milli, scoreStart } = store;
  let any = false;
  for (let l = 0; l < store.lines && !any; l++) any = kindStatus(lineKind[l]) === RDG;
  if (!any) return;
  const isRedress = (s: number) => {
    for (let l = firstLine[s]; l < firstLine[s + 1]; l++) if (kindStatus(lineKind[l]) === RDG) return true;
    return false;
  };
  for (let e = 0; e < store.entries; e++) {
    const first = scoreStart[e];
    const end = scoreStart[e + 1];
    let redressed = false;
    for (let s = first; s < end && !redressed; s++) redressed = isRedress(s);
    if (!redressed) continue;
    /** The average of the entry's scores without an RDG (of `events`' when given), in thousandths; NaN when there is none. */
    const average = (events: ReadonlySet<number> | null) => {
      let sum = 0;
      let n = 0;
      for (let s = first; s < end; s++) {
        if (!isRedress(s) && (events === null || events.has(raceEvent[lineRace[firstLine[s]]]))) (sum += milli[s]), (n += 1);
      }
      // In thousandths: to the nearest hundred, halves up (the epsilon absorbs binary fractions).
      return n === 0 ? NaN : Math.floor(sum / n / 100 + 0.5 + 1e-9) * 100;
    };
    for (let s = first; s < end; s++) {
      if (!isRedress(s)) continue;
      let total = 0;
      for (let l = firstLine[s]; l < firstLine[s + 1]; l++) {
        if (kindStatus(lineKind[l]) === RDG) {
          const given = lineRedress?.get(l);
          const how = given === undefined ? byScale : lineRule(given);
          const value = how === null ? NaN : 'milli' in how ? how.milli : average(how.events);
          if (value === value) lineMilli[l] = value;
        }
        total += lineMilli[l];
      }
      milli[s] = total;
    }
  }
}

const MAX_REDRESS_EVENTS = 1000;

/**
 * Refuses a redress that is not one of ResultRedress's shapes with sound values: a stated score
 * is a finite number ≥ 0 to one decimal; events a non-empty list of distinct event ids.
 * `where` names the result (e.g. "result 42").
 */
export function validateRedress(redress: unknown, where: string): void {
  const bad = (message: string): never => {
    throw new ScoringError('INVALID_RESULT', where, `${where}: redress ${message}`);
  };
  if (redress === null || typeof redress !== 'object' || Array.isArray(redress)) bad('must be { points }, { events } or { average: true }');
  const keys = Object.keys(redress as object);
  if (keys.length !== 1 || !['points', 'events', 'average'].includes(keys[0])) bad('must be exactly one of { points }, { events } or { average: true }');
  const given = redress as Record<string, unknown>;
  if ('points' in given) {
    const p = given.points;
    if (!(typeof p === 'number' && Number.isFinite(p) && p >= 0 && Math.abs(p * 10 - Math.round(p * 10)) < 1e-9)) bad(`points must be a number ≥ 0 to one decimal, got ${String(p)}`);
  } else if ('events' in given) {
    const ids = given.events;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_REDRESS_EVENTS || !ids.every((id) => Number.isInteger(id) && id >= 1 && id < 2 ** 31)) {
      bad('events must be a non-empty list of event ids');
    }
    if (new Set(ids as number[]).size !== (ids as number[]).length) bad('events lists an event twice');
  } else if (given.average !== true) {
    bad('average must be true');
  }
}
