/** The scoring engine: pure TypeScript, data in, standings out (no framework or I/O imports). */
export * from './types';
export { ScoringError } from './errors';
export type { ScoringErrorCode } from './errors';
export { validatePointsScale, validateLeaderboardConfig } from './validate';
export { computeStandings, computeStandingsTable } from './compute';
