/**
 * Status codes and their points: each code's rule on a scale, its default (the Racing Rules of
 * Sailing's Appendix A on a low-point scale, 0 on a high-point one), and its score in a race.
 * A scale from before the codes existed (no `codes`) keeps its old meaning: DNF, DNS and DSQ
 * score their `statusPoints`, else one worse than the starters in low point, else 0.
 */
import { PLACED_STATUSES, RegisteredCodes, Status, STATUS_CODE, STATUSES, UNKNOWN_STATUS_CODE } from './packed-format';
import { CodeBase, CodeRule, PointsScaleConfig } from './types';

/** A code's rule, normalised. */
export type ResolvedCode =
  | { rule: 'COUNT'; base: CodeBase; plus: number; discardable: boolean }
  | { rule: 'PENALTY'; percent: number; points: number; discardable: boolean }
  | { rule: 'REDRESS'; eventIds: number[] | null; discardable: boolean };

/** What a code's base counts, in one race. */
export interface RaceCounts {
  /** Every result but DNS and DNC. */
  starters: number;
  /** Results of a placed status (FIN, ZFP, SCP, DPI). */
  finishers: number;
  /** Every result of the race. */
  enteredInRace: number;
  /** Riders with a result in any race of the board. */
  enteredInSeries: number;
}

const SERIES_PLUS_ONE = { base: 'ENTERED_IN_SERIES', plus: 1 } as const;

/** Appendix A's scores (A5.2, A5.3, 44.3(c), A9): entered in the series + 1; penalties of 20 %; redress by average. */
const LOW_POINT_DEFAULTS: Record<Exclude<Status, 'FIN'>, CodeRule> = {
  DNF: SERIES_PLUS_ONE, DNS: SERIES_PLUS_ONE, DSQ: SERIES_PLUS_ONE, DNC: SERIES_PLUS_ONE, OCS: SERIES_PLUS_ONE,
  UFD: SERIES_PLUS_ONE, BFD: SERIES_PLUS_ONE, NSC: SERIES_PLUS_ONE, RET: SERIES_PLUS_ONE, RAF: SERIES_PLUS_ONE,
  DNE: SERIES_PLUS_ONE, DGM: SERIES_PLUS_ONE,
  ZFP: { penaltyPercent: 20 }, SCP: { penaltyPercent: 20 }, DPI: { penaltyPoints: 0 },
  RDG: { redress: 'AVERAGE' },
};

/** Codes that may never be discarded unless the scale says otherwise (A5.2: DNE and DGM are not excludable). */
const NOT_DISCARDABLE: readonly string[] = ['DNE', 'DGM'];
const LEGACY_CODES: readonly Status[] = ['DNF', 'DNS', 'DSQ'];

/** The rule a scale gives a code when it names none. */
function defaultRule(scale: PointsScaleConfig, status: Exclude<Status, 'FIN'>): CodeRule {
  if (status === 'RDG') return LOW_POINT_DEFAULTS.RDG;
  if (scale.codes === undefined) {
    // A scale from before the codes: every code scores as DNF did, a place keeps its points.
    if (PLACED_STATUSES.includes(status)) return { penaltyPoints: 0 };
    const given = scale.statusPoints?.[LEGACY_CODES.includes(status) ? (status as 'DNF') : 'DNF'];
    if (given !== undefined) return given;
    return scale.lowPoint ? { base: 'STARTERS', plus: 1 } : 0;
  }
  return scale.lowPoint ? LOW_POINT_DEFAULTS[status] : 0;
}

function normalise(rule: CodeRule, status: string, dsqNonDroppable: boolean): ResolvedCode {
  const given = typeof rule === 'number' ? { points: rule } : rule;
  const discardable = given.discardable ?? !(NOT_DISCARDABLE.includes(status) || (status === 'DSQ' && dsqNonDroppable));
  if (given.redress !== undefined) return { rule: 'REDRESS', eventIds: given.eventIds ?? null, discardable };
  if (given.penaltyPercent !== undefined || given.penaltyPoints !== undefined) {
    return { rule: 'PENALTY', percent: given.penaltyPercent ?? 0, points: given.penaltyPoints ?? 0, discardable };
  }
  if (given.points !== undefined) return { rule: 'COUNT', base: 'ZERO', plus: given.points, discardable };
  return { rule: 'COUNT', base: given.base ?? 'ZERO', plus: given.plus ?? 0, discardable };
}

const resolved = new WeakMap<PointsScaleConfig, ResolvedCode[]>();

/**
 * Each code's rule on the scale, by status code (FIN's entry is unused: a finisher scores its
 * place). Named in `codes`, else (DNF, DNS, DSQ) in `statusPoints`, else the default. An
 * organiser-defined code (`registeredCodes`) the scale does not name scores as DNF does,
 * discardable; numbers no code has (between the built-ins and the registered) get the same rule,
 * never read (validatePackedRace refuses them).
 */
export function resolveCodes(scale: PointsScaleConfig): ResolvedCode[] {
  let codes = resolved.get(scale);
  if (codes) return codes;
  const dsqNonDroppable = scale.dsqNonDroppable === true;
  codes = STATUSES.map((status) => {
    if (status === 'FIN') return { rule: 'COUNT', base: 'ZERO', plus: 0, discardable: true } as const;
    const legacy = LEGACY_CODES.includes(status) ? scale.statusPoints?.[status as 'DNF'] : undefined;
    return normalise(scale.codes?.[status] ?? legacy ?? defaultRule(scale, status), status, dsqNonDroppable);
  });
  const registered = scale.registeredCodes;
  if (registered) {
    const asDnf: ResolvedCode = { ...codes[STATUS_CODE.DNF], discardable: true };
    for (const [code, number] of Object.entries(registered)) {
      while (codes.length <= number) codes.push(asDnf);
      const rule = scale.codes?.[code];
      codes[number] = rule === undefined ? asDnf : normalise(rule, code, dsqNonDroppable);
    }
  }
  resolved.set(scale, codes);
  return codes;
}

/** A scale's codes by number: each code's name ('' for a number no code has), and 1 for a known one. */
export interface CodeTable {
  names: readonly string[];
  /** Sized UNKNOWN_STATUS_CODE + 1, so a check of any code a pack can hold reads within it. */
  known: Uint8Array;
}

const tables = new WeakMap<PointsScaleConfig, CodeTable>();

/** The built-in codes and the scale's `registeredCodes`, by number. */
export function codeTable(scale: PointsScaleConfig): CodeTable {
  let table = tables.get(scale);
  if (table) return table;
  table = makeCodeTable(scale.registeredCodes);
  tables.set(scale, table);
  return table;
}

function makeCodeTable(registered: RegisteredCodes | undefined): CodeTable {
  const names: string[] = [...STATUSES];
  const known = new Uint8Array(UNKNOWN_STATUS_CODE + 1);
  known.fill(1, 0, STATUSES.length);
  for (const [code, number] of Object.entries(registered ?? {})) {
    while (names.length <= number) names.push('');
    names[number] = code;
    known[number] = 1;
  }
  return { names, known };
}

/** Whether any code's score counts the riders entered in the series (then the board counts them). */
export function usesSeriesEntries(scale: PointsScaleConfig): boolean {
  return resolveCodes(scale).some((c) => c.rule === 'COUNT' && c.base === 'ENTERED_IN_SERIES');
}

function baseCount(base: CodeBase, counts: RaceCounts): number {
  switch (base) {
    case 'ZERO': return 0;
    case 'STARTERS': return counts.starters;
    case 'FINISHERS': return counts.finishers;
    case 'ENTERED_IN_RACE': return counts.enteredInRace;
    case 'ENTERED_IN_SERIES': return counts.enteredInSeries;
  }
}

/** To the nearest tenth, 0.05 upward (A9, 44.3(c)); the epsilon absorbs binary fractions like 20 % of 13. */
export function roundTenth(x: number): number {
  return Math.floor(x * 10 + 0.5 + 1e-9) / 10;
}

/**
 * Points of an unplaced result by status code, in one race (before multipliers). An unplaced
 * finisher scores as it always did (one worse than the starters in low point; `beyondTable` on
 * a TABLE scale; else 0); a penalty code without a place, and an averaged redress until its
 * average is known, score as DNF (and DNC).
 */
export function unplacedScores(scale: PointsScaleConfig, counts: RaceCounts): Float64Array {
  const codes = resolveCodes(scale);
  const out = new Float64Array(codes.length);
  out[STATUS_CODE.FIN] = scale.lowPoint ? counts.starters + 1 : scale.kind === 'TABLE' ? scale.beyondTable ?? 0 : 0;
  const count = (c: ResolvedCode) => (c.rule === 'COUNT' ? baseCount(c.base, counts) + c.plus : NaN);
  const dnf = count(codes[STATUS_CODE.DNF]);
  const dnfScore = dnf === dnf ? dnf : 0;
  for (let code = 1; code < codes.length; code++) {
    const c = codes[code];
    out[code] = c.rule === 'COUNT' ? count(c) : c.rule === 'PENALTY' ? dnfScore : count(codes[STATUS_CODE.DNC]);
  }
  return out;
}

/**
 * A placed penalty code's points: the place's points worsened by the penalty, never worse than
 * DNF's score (and never better than the place). The percentage is of DNF's score in low point
 * (44.3(c): "20 % of the score for Did Not Finish"), of the place's points in high point.
 */
export function penalisedPoints(code: ResolvedCode, placePoints: number, dnf: number, lowPoint: boolean): number {
  if (code.rule !== 'PENALTY') return NaN;
  const penalty = roundTenth((code.percent * (lowPoint ? dnf : placePoints)) / 100) + code.points;
  return lowPoint ? Math.max(placePoints, Math.min(placePoints + penalty, dnf)) : Math.min(placePoints, Math.max(placePoints - penalty, dnf));
}

/** By status code: whether a result of it may never be discarded (its event score always counts). */
export function keptCodes(scale: PointsScaleConfig): boolean[] {
  return resolveCodes(scale).map((c) => !c.discardable);
}
