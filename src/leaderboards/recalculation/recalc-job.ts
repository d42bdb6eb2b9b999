import { RunTrigger } from '../recalc.entities';

export const RECALC_JOB = 'recalculate';

export interface RecalcJobData {
  leaderboardId: number;
  trigger: RunTrigger;
}

/** One deduplication id per board: at most one job waits and one runs for a board at any time. */
export const dedupIdOf = (leaderboardId: number): string => `board-${leaderboardId}`;

/** Transient failures are retried this many times in all, with exponential backoff from this delay. */
export const RECALC_ATTEMPTS = 5;
export const RECALC_BACKOFF_MS = 1_000;
