/** The housekeeping queue and its one scheduled job. */
export const HOUSEKEEPING_QUEUE = 'housekeeping';
export const RETENTION_SCHEDULER_ID = 'retention';
export const RETENTION_JOB = 'retention';
