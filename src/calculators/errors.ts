/** Why a computation cannot be done; the message names the offending result or setting. */
export type ScoringErrorCode = 'INVALID_SCALE' | 'INVALID_BOARD' | 'INVALID_RESULT' | 'INVALID_EVENT';

export class ScoringError extends Error {
  constructor(
    readonly code: ScoringErrorCode,
    /** The setting or datum at fault, e.g. "table", "countingRiders", "result 42". */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScoringError';
  }
}
