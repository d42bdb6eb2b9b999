import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/config';
import { HOUSEKEEPING_QUEUE, RETENTION_JOB, RETENTION_SCHEDULER_ID } from './retention-job';

/**
 * Only enqueues: a BullMQ job scheduler (kept in Redis, one per deployment however many
 * processes upsert it) adds a retention job every RETENTION_INTERVAL_MS; a worker deletes.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    @InjectQueue(HOUSEKEEPING_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down at start BullMQ waits for its first connection, and the app
    // must start (and answer) meanwhile; the schedule is written once Redis is there.
    void this.schedule();
  }

  private async schedule(): Promise<void> {
    const { config } = this;
    const keepsAll = config.retentionRunsDays === 0 && config.retentionNotificationsDays === 0 && config.retentionRetryTokensDays === 0
      && config.auditRetentionDays === 0;
    try {
      if (keepsAll) {
        await this.queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
        return;
      }
      await this.queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { every: config.retentionIntervalMs }, {
        name: RETENTION_JOB,
        opts: { removeOnComplete: 20, removeOnFail: 20 },
      });
    } catch (err) {
      // Redis down at start: the next start (or another process) schedules it; nothing is lost but a pass.
      this.logger.error({ err }, 'Could not schedule the retention job');
    }
  }
}
