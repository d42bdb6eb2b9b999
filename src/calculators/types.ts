/** The calculators' input and output shapes: plain data, no framework types. */
import type { EventScope } from './event-scope';
import type { RegisteredCodes } from './packed-format';

// The packed format and the statuses are owned by packed-format.ts; re-exported for the barrel.
export { STATUSES, PACKED, INTS_PER_RESULT, FIRST_REGISTERED_CODE } from './packed-format';
export type { Status, RegisteredCodes } from './packed-format';

export type PointsScaleKind = 'TABLE' | 'LINEAR' | 'FIELD_SIZE' | 'PERCENT_OF_FIELD' | TimeScaleKind;

// --- Time-based and participation scoring (issue 15) ---
/**
 * TIME: an entry's score is its total elapsed time (points = seconds, to the millisecond), lowest
 * first; PERCENT_OF_WINNER: points = winner's time / rider's time × 100, rounded to `precision`.
 */
export type TimeScaleKind = 'TIME' | 'PERCENT_OF_WINNER';
export interface TimeScaleSettings {
  /** PERCENT_OF_WINNER: decimals the percentage is rounded to (0–3, default 2). */
  precision?: number;
  /** Points for every race started (not DNS), added after multipliers, on high-point scales. */
  participationPoints?: number;
}

export interface PointsScaleConfig extends TimeScaleSettings {
  kind: PointsScaleKind;
  /** TABLE: points for 1st, 2nd, … */
  table?: number[];
  /** TABLE: points for a place beyond the table (default 0). */
  beyondTable?: number;
  /** LINEAR: winner's points, points fewer per place, and the floor they never go below (default 0). */
  first?: number;
  step?: number;
  floor?: number;
  /** Place = points, lower is better (cross-country scoring). */
  lowPoint?: boolean;
  statusPoints?: { DNF?: number; DNS?: number; DSQ?: number };
  ties?: 'AVERAGE' | 'SAME';
  /** A DSQ result can never be dropped by best-of / drop-worst. */
  dsqNonDroppable?: boolean;
  /** How each status code scores (status-codes.ts); absent: a scale from before the codes (statusPoints only). */
  codes?: StatusCodeRules;
  /**
   * The deployment's organiser-defined codes (code → number in packed results) the scale is
   * scored and checked against: given by the caller from the registry, never stored with the
   * scale. `codes` may name them; results may carry them. Absent: built-in codes only.
   */
  registeredCodes?: RegisteredCodes;
}

export type LeaderboardType = 'INDIVIDUAL' | 'SCHOOL' | 'TOP_SCHOOLS' | 'GROUP';
export type GroupSlot = 'custom1' | 'custom2' | 'custom3';
export type TieBreak = 'COUNTBACK' | 'MOST_RECENT' | 'FEWER_EVENTS' | RrsTieBreak;

// --- Appendix A series rules (issue 15) ---
/**
 * RRS_A8_1: counted race scores best to worst, the first difference wins (discards excluded);
 * RRS_A8_2: the last race's score, then the one before, … (discards included).
 */
export type RrsTieBreak = 'RRS_A8_1' | 'RRS_A8_2';
export interface AppendixASettings {
  /**
   * Discards by races completed (A2.1): the k-th discard applies once the board has
   * discardSchedule[k - 1] races completed, e.g. [4, 8]: 1 discard after 4 races, 2 after 8.
   * Strictly increasing whole numbers ≥ 1; not with dropWorst.
   */
  discardSchedule?: number[] | null;
}

export interface BoardCategory {
  code: string;
  multiplier: number;
}

export interface LeaderboardConfig extends AppendixASettings {
  type: LeaderboardType;
  categories: BoardCategory[];
  eventScope: EventScope;
  eventIds?: number[];
  bestOf?: number | null;
  dropWorst?: number | null;
  nonDroppableEventIds?: number[];
  minEvents?: number | null;
  belowMinEvents?: 'UNRANKED' | 'EXCLUDE';
  countingRiders?: number | null;
  minRiders?: number | null;
  groupBy?: GroupSlot[];
  tieBreaks?: TieBreak[];
  ranking?: 'STANDARD' | 'DENSE';
  /** A rider absent from a race of the board: no line (NONE, the default), or a DNC line. */
  missed?: MissedRaces;
}

export interface EventInput {
  id: number;
  name: string;
  /** YYYY-MM-DD */
  date: string;
  starred: boolean;
  pointsMultiplier: number;
}

export interface CustomValueRef {
  id: number;
  name: string;
}

export interface RaceResultInput {
  id: number;
  eventId: number;
  category: string;
  participantId: number;
  participantName: string;
  custom1: CustomValueRef | null;
  custom2: CustomValueRef | null;
  custom3: CustomValueRef | null;
  position: number | null;
  /** A built-in Status or one of the scale's registeredCodes. */
  status: string;
  timeMs?: number | null;
  /** RDG only: the redress the protest committee gave this result; absent: the scale's RDG rule. */
  redress?: ResultRedress | null;
}

/** One event's contribution to an entry. */
export interface ContributionLine {
  eventId: number;
  eventName: string;
  date: string;
  category: string;
  /** The rider's place (individual entries); null for team lines and unplaced results. */
  place: number | null;
  /** A built-in Status or an organiser-defined code. */
  status: string;
  points: number;
  /** Team lines: the riders whose points counted, best first. */
  riders?: { name: string; place: number | null; points: number }[];
}

export interface Breakdown {
  counted: ContributionLine[];
  dropped: (ContributionLine & { reason: string })[];
  /** What separated this entry from the one above when their points were equal; null otherwise. */
  tieBreak: string | null;
}

export interface StandingEntry {
  key: string;
  kind: 'PARTICIPANT' | 'CUSTOM';
  participantId: number | null;
  customValueId: number | null;
  category: string | null;
  name: string;
  group: string | null;
  points: number;
  /** null: unranked (fewer events than minEvents). */
  position: number | null;
  seq: number;
  eventsCounted: number;
  breakdown: Breakdown;
}

export interface ComputeSummary {
  entries: number;
  resultsUsed: number;
  resultsIgnored: number;
  ignored: Record<string, number>;
}

export interface ComputeResult {
  entries: StandingEntry[];
  summary: ComputeSummary;
}

/**
 * One race's results (one event, one category) packed into one Int32Array, INTS_PER_RESULT
 * ints per result at the offsets of PACKED (packed-format.ts): a million results are one flat buffer per race,
 * not a million objects, and a loader can hand over the bytes it read as they are.
 * "None" is -1 for ids and 0 for a place.
 */
export interface PackedRace {
  eventId: number;
  category: string;
  results: Int32Array;
}


/** The calculators' input with the results packed race by race, and the names they refer to by id. */
export interface PackedInput {
  scale: PointsScaleConfig;
  board: LeaderboardConfig;
  events: EventInput[];
  races: PackedRace[];
  participantNames: ReadonlyMap<number, string>;
  customValues: ReadonlyMap<number, CustomValueRef>;
  /**
   * Per-result redress by result id (the packed format has no slot for it): RDG results only,
   * few on any board, so a side map costs nothing for the rest.
   */
  redress?: ReadonlyMap<number, ResultRedress>;
  /**
   * Race scores kept from earlier computations (RaceScoreMemo, race-scores.ts): only for races
   * whose results arrays are never written after they are handed over.
   */
  raceScores?: { scorer(scale: PointsScaleConfig): RaceScorer };
  /** Results arrays found valid by an earlier computation (same condition): not checked again. */
  validRaces?: WeakSet<Int32Array>;
}

/** A race's points per result (scoreRace), given its results, the event's and category's multiplier, and the riders entered in the series. */
export type RaceScorer = (results: Int32Array, multiplier: number, enteredInSeries: number) => Float64Array;

/** An entry without its breakdown. */
export type StandingHead = Omit<StandingEntry, 'breakdown'>;

/**
 * Standings whose breakdowns are made on demand: on a large board most entries are unchanged
 * from the last run, and their breakdowns (a line per counted result) need not be built to know it.
 */
export interface StandingsTable {
  entries: StandingHead[];
  summary: ComputeSummary;
  /** Entry i's breakdown, built anew on each call. */
  breakdown(i: number): Breakdown;
  /**
   * Entry i's breakdown in its stored form (breakdown-form.ts: `compact(breakdown(i))`), written
   * straight from the calculators' data without the objects.
   */
  breakdownText(i: number): string;
  /**
   * 64-bit digests of entry i, made without building its breakdown: of its values (all but the
   * breakdown), and of its breakdown. Equal parts have equal digests; different ones differ but
   * by a 2^-64 chance. Two, because most entries an edit touches only move: their position and
   * seq change, their breakdown does not.
   */
  valuesDigest(i: number): string;
  breakdownDigest(i: number): string;
}

export interface ComputeInput {
  scale: PointsScaleConfig;
  board: LeaderboardConfig;
  events: EventInput[];
  results: RaceResultInput[];
}

// ---------- status codes and missed races (issue 15, part A) ----------

/** What a status code's points count from (HAL Race Results' and Sailwave's bases). */
export type CodeBase = 'ZERO' | 'STARTERS' | 'FINISHERS' | 'ENTERED_IN_RACE' | 'ENTERED_IN_SERIES';
export const CODE_BASES: readonly CodeBase[] = ['ZERO', 'STARTERS', 'FINISHERS', 'ENTERED_IN_RACE', 'ENTERED_IN_SERIES'];

/**
 * How one status code scores: one of
 * - `{ base, plus }`: the base count (e.g. the riders entered in the series) plus `plus`;
 * - `{ points }` (or the bare number): a fixed score;
 * - `{ penaltyPercent }` / `{ penaltyPoints }` (placed codes ZFP, SCP, DPI): the place's points
 *   worsened by that percentage of the race's DNF score (rounded to 0.1, 0.05 up) or by those
 *   points, never worse than DNF;
 * - `{ redress: "AVERAGE", eventIds? }` (RDG): the average of the rider's other events (or of the
 *   listed ones), rounded to 0.1, 0.05 up.
 * `discardable: false` keeps the result from being dropped.
 */
export interface CodeScoring {
  base?: CodeBase;
  plus?: number;
  points?: number;
  penaltyPercent?: number;
  penaltyPoints?: number;
  redress?: 'AVERAGE';
  eventIds?: number[];
  discardable?: boolean;
}
export type CodeRule = number | CodeScoring;
/** By code: a built-in Status but FIN, or an organiser-defined code (the scale's registeredCodes). */
export type StatusCodeRules = Readonly<Record<string, CodeRule>>;

export type MissedRaces = 'NONE' | 'DNC';
export const MISSED_RACES: readonly MissedRaces[] = ['NONE', 'DNC'];

/**
 * Redress given to one RDG result (RRS A9's options): a stated score, to one decimal, as the
 * race's score (not multiplied again); the average of the rider's scores in the listed events;
 * or the average of all the rider's other events. Averages leave out events with an RDG.
 */
export type ResultRedress = { points: number } | { events: number[] } | { average: true };
