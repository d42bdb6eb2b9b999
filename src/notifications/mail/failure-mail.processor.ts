import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { NOTIFICATIONS_QUEUE } from '../../common/queue/queue-names';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PodiumMetrics } from '../../metrics/podium-metrics';
import { EpisodeToMail, FailureEpisodesRepository } from '../failure-episodes.repository';
import { RetryTokens } from '../retry/retry-tokens';
import { composeFailureEmail } from './failure-email';
import { FailureMailJobData } from './failure-mail-job';
import { MailTransport } from './mail-transport';
import { podiumWorker } from '../../common/queue/worker';

/** A claimed episode is leased for this long: a process that dies mid-send gives it back. */
const LEASE_SECONDS = 300;

/**
 * Sends one failure e-mail per job; runs only in processes with the worker role. At most once per episode, whatever the number of processes:
 * the job first claims the episode (a compare-and-set UPDATE that leases it), then issues and
 * COMMITS the retry token, so the link works the moment the mail is read, then sends, then marks
 * the episode e-mailed. A crash between send and mark sends the mail again once the lease ends
 * (at least once, never lost). A failed send is retried with exponential back-off: the episode
 * becomes due again and a later scheduler tick enqueues it anew.
 */
@Injectable()
export class FailureMailProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FailureMailProcessor.name);
  private worker: Worker<FailureMailJobData> | null = null;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly episodes: FailureEpisodesRepository,
    private readonly transport: MailTransport,
    private readonly tokens: RetryTokens,
    private readonly metrics: PodiumMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { config } = this;
    if (config.appRole === 'api') return;
    this.worker = podiumWorker<FailureMailJobData>(config, NOTIFICATIONS_QUEUE, (job) => this.process(job), this.logger, 'Failure e-mail');
  }

  /** Lets a send in progress finish (and record itself) before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** Says whether this job sent the e-mail (false: someone else has it, or SMTP failed). */
  async process(job: Job<FailureMailJobData>): Promise<boolean> {
    const episode = await this.tx.run(({ manager }) => this.episodes.claimForEmail(manager, job.data.episodeId, LEASE_SECONDS));
    if (!episode) return false;
    try {
      await this.send(episode);
    } catch (err) {
      this.metrics.mailFailed();
      const retryIn = Math.min(3600, 2 ** Math.min(episode.emailAttempts, 12)) * Math.max(1, this.config.mailIntervalMs / 1000);
      this.logger.warn({ err, episodeId: episode.id, attempt: episode.emailAttempts }, 'Failure e-mail not sent; will retry');
      await this.tx.run(({ manager }) => this.episodes.emailFailed(manager, episode.id, retryIn, (err as Error).message));
      return false;
    }
    this.metrics.mailSent();
    await this.tx.run(({ manager }) => this.episodes.markEmailed(manager, episode.id));
    return true;
  }

  private async send(episode: EpisodeToMail): Promise<void> {
    const { facts, token, expiresAt } = await this.tx.run(async ({ manager }) => ({
      facts: await this.episodes.mailFacts(manager, episode.leaderboardId, episode.resultSetId),
      ...(await this.tokens.issue(manager, episode.id)),
    }));
    const mail = composeFailureEmail({
      leaderboardName: facts.board,
      seriesName: facts.series,
      eventName: facts.event,
      error: episode.errorMessage,
      failedAt: episode.failedAt,
      lastGoodAt: facts.lastGood,
      retryUrl: `${this.config.publicUrl}/admin/retry?token=${token}`,
      linkExpiresAt: expiresAt,
    });
    await this.transport.send({ to: this.config.adminEmails, ...mail });
  }
}
