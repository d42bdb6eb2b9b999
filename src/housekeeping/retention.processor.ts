import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/config';
import { HOUSEKEEPING_QUEUE } from './retention-job';
import { RetentionCounts, RetentionRepository } from './retention.repository';
import { podiumWorker } from '../common/queue/worker';

/** The housekeeping worker: one retention pass at a time, deleting in batches. */
@Injectable()
export class RetentionProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionProcessor.name);
  private worker: Worker | null = null;

  constructor(
    private readonly retention: RetentionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { config } = this;
    this.worker = podiumWorker(config, HOUSEKEEPING_QUEUE, () => this.process(), this.logger, 'Housekeeping', { concurrency: 1 });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(): Promise<RetentionCounts> {
    const { config } = this;
    const counts = await this.retention.purge({
      runsDays: config.retentionRunsDays,
      notificationsDays: config.retentionNotificationsDays,
      retryTokensDays: config.retentionRetryTokensDays,
      auditDays: config.auditRetentionDays,
      batchSize: config.retentionBatchSize,
    });
    if (Object.values(counts).some((n) => n > 0)) this.logger.log({ deleted: counts }, 'Retention pass deleted old history');
    return counts;
  }
}
