import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RECALC_QUEUE } from '../../common/queue/queue-names';
import { RECALC_ATTEMPTS, RecalcJobData } from './recalc-job';
import { RecalculationRunner } from './recalculation-runner';
import { podiumWorker } from '../../common/queue/worker';

/**
 * The BullMQ worker of the recalculation queue. It is built here rather than with
 * @nestjs/bullmq's @Processor because its options (concurrency, lock duration, stalled-job
 * interval) come from the validated configuration, and a decorator's options are fixed when
 * the class is defined.
 */
@Injectable()
export class RecalcProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecalcProcessor.name);
  private worker: Worker<RecalcJobData> | null = null;

  constructor(
    private readonly runner: RecalculationRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { config } = this;
    this.worker = podiumWorker<RecalcJobData>(config, RECALC_QUEUE, (job) => this.process(job), this.logger, 'Recalculation', {
      // Different boards run in parallel; one board never does (deduplication + advisory lock).
      concurrency: config.workerConcurrency,
      lockDuration: config.recalcLockDurationMs,
      stalledInterval: config.recalcStalledIntervalMs,
    });
  }

  /** Lets the active runs finish (and commit) before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job<RecalcJobData>) {
    const request = {
      jobId: job.id!,
      leaderboardId: job.data.leaderboardId,
      trigger: job.data.trigger,
      queuedAt: new Date(job.timestamp),
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? RECALC_ATTEMPTS,
    };
    const outcome = await this.runner.run(request).catch((err: unknown) => {
      // The runner logs the failures it records; this is one it could not (e.g. the run record's own write).
      const { leaderboardId, jobId, attempt } = request;
      this.logger.error({ err, leaderboardId, jobId, attempt }, 'Recalculation failed before it could be recorded; BullMQ will retry');
      throw err;
    });
    if (outcome.kind === 'retry') throw new Error(outcome.error);
    if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.error);
    const rows = outcome.write && { inserted: outcome.write.inserted, updated: outcome.write.updated, deleted: outcome.write.deleted };
    return { rows, resultsVersion: outcome.resultsVersion };
  }
}
