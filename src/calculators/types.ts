/** The calculators' input and output shapes: plain data, no framework types. */
export type Status = 'FIN' | 'DNF' | 'DNS' | 'DSQ';
export const STATUSES: readonly Status[] = ['FIN', 'DNF', 'DNS', 'DSQ'];

export type PointsScaleKind = 'TABLE' | 'LINEAR' | 'FIELD_SIZE' | 'PERCENT_OF_FIELD';

export interface PointsScaleConfig {
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
}

export type LeaderboardType = 'INDIVIDUAL' | 'SCHOOL' | 'TOP_SCHOOLS' | 'GROUP';
export type GroupSlot = 'custom1' | 'custom2' | 'custom3';
export type TieBreak = 'COUNTBACK' | 'MOST_RECENT' | 'FEWER_EVENTS';

export interface BoardCategory {
  code: string;
  multiplier: number;
}

export interface LeaderboardConfig {
  type: LeaderboardType;
  categories: BoardCategory[];
  eventScope: 'ALL' | 'STARRED' | 'LISTED';
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
  status: Status;
  timeMs?: number | null;
}

/** One event's contribution to an entry. */
export interface ContributionLine {
  eventId: number;
  eventName: string;
  date: string;
  category: string;
  /** The rider's place (individual entries); null for team lines and unplaced results. */
  place: number | null;
  status: Status;
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

export interface ComputeInput {
  scale: PointsScaleConfig;
  board: LeaderboardConfig;
  events: EventInput[];
  results: RaceResultInput[];
}
