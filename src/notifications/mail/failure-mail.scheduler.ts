import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { NOTIFICATIONS_QUEUE } from '../../common/queue/queue-names';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { outageLog } from '../../redis/redis.module';
import { FailureEpisodesRepository } from '../failure-episodes.repository';
import { FAILURE_MAIL_JOB, FailureMailJobData, failureMailJobId } from './failure-mail-job';

const INTERVAL_NAME = 'failure-mail';
const BATCH = 20;

/**
 * The sweeper of failure e-mails: each tick finds the episodes whose e-mail is due (never sent,
 * past any back-off) and enqueues one job per episode; FailureMailProcessor sends. Ticks only
 * enqueue, so a slow SMTP server never holds a tick or a transaction. Runs only in processes
 * with the worker role.
 */
@Injectable()
export class FailureMailScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FailureMailScheduler.name);
  private running: Promise<unknown> | null = null;
  private warnedNoRecipients = false;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly episodes: FailureEpisodesRepository,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<FailureMailJobData>,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Logged once per outage, not once per failed command.
    const outage = outageLog(this.logger, 'notifications queue');
    this.queue.on('error', outage.down);
    this.queue.getBackend().on('ready', outage.up);
  }

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.scheduler.addInterval(INTERVAL_NAME, setInterval(() => void this.tick(), this.config.mailIntervalMs));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One pass; returns how many episodes it enqueued. Ticks never overlap within a process. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    const pass = this.enqueueDue().catch((err) => {
      this.logger.error({ err }, 'Failure e-mail pass failed; the next tick tries again');
      return 0;
    });
    this.running = pass;
    try {
      return await pass;
    } finally {
      this.running = null;
    }
  }

  private async enqueueDue(): Promise<number> {
    if (this.config.adminEmails.length === 0) {
      if (!this.warnedNoRecipients) this.logger.warn('ADMIN_EMAILS is empty: failure e-mails are not sent');
      this.warnedNoRecipients = true;
      return 0;
    }
    const due = await this.tx.run(({ manager }) => this.episodes.dueForEmail(manager, BATCH));
    for (const episodeId of due) {
      // Removed once done, so the id is free again for the send after a back-off.
      await this.queue.add(FAILURE_MAIL_JOB, { episodeId }, { jobId: failureMailJobId(episodeId), removeOnComplete: true, removeOnFail: true });
    }
    return due.length;
  }
}
