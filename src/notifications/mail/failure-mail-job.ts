export const FAILURE_MAIL_JOB = 'failure-mail';

export interface FailureMailJobData {
  episodeId: number;
}

/** One job id per episode: BullMQ ignores a second add while the first job exists, whichever process adds it. */
export const failureMailJobId = (episodeId: number): string => `episode-${episodeId}`;
