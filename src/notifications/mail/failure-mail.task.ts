import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { returning } from '../../common/database/execute';
import { PUBLIC_STATES_SQL } from '../../common/result-set-state';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PodiumMetrics } from '../../metrics/podium-metrics';
import { RetryTokens } from '../retry/retry-tokens';
import { composeFailureEmail } from './failure-email';
import { MailTransport } from './mail-transport';

const INTERVAL_NAME = 'failure-mail';
const BATCH = 20;
/** A claimed episode is leased for this long: a process that dies mid-send gives it back. */
const LEASE_SECONDS = 300;

interface Claimed {
  id: number;
  leaderboard_id: number;
  result_set_id: number | null;
  error_message: string;
  failed_at: Date;
  email_attempts: number;
}

/**
 * Each tick, failure episodes not yet e-mailed are claimed atomically (FOR UPDATE SKIP LOCKED,
 * leased by moving next_email_at ahead) so that, whatever the number of processes, each is
 * sent by one of them; a failed send is retried on later ticks with exponential backoff.
 * Runs only in processes with the worker role.
 */
@Injectable()
export class FailureMailTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FailureMailTask.name);
  private running: Promise<unknown> | null = null;
  private warnedNoRecipients = false;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly transport: MailTransport,
    private readonly tokens: RetryTokens,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: PodiumMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.scheduler.addInterval(INTERVAL_NAME, setInterval(() => void this.tick(), this.config.mailIntervalMs));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One pass; returns how many e-mails were sent. Ticks never overlap within a process. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    const pass = this.sendDue().catch((err) => {
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

  private async sendDue(): Promise<number> {
    if (this.config.adminEmails.length === 0) {
      if (!this.warnedNoRecipients) this.logger.warn('ADMIN_EMAILS is empty: failure e-mails are not sent');
      this.warnedNoRecipients = true;
      return 0;
    }
    const claimed = await this.tx.run(({ manager }) =>
      returning<Claimed>(
        manager,
        `UPDATE failure_episode SET next_email_at = now() + make_interval(secs => $2), email_attempts = email_attempts + 1
          WHERE id IN (SELECT id FROM failure_episode
                        WHERE emailed_at IS NULL AND closed_at IS NULL AND next_email_at <= now()
                        ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $1)
          RETURNING id, leaderboard_id, result_set_id, error_message, failed_at, email_attempts`,
        [BATCH, LEASE_SECONDS],
      ),
    );
    let sent = 0;
    for (const episode of claimed) {
      try {
        await this.sendOne(episode);
        sent += 1;
        this.metrics.mailSent();
      } catch (err) {
        this.metrics.mailFailed();
        const retryIn = Math.min(3600, 2 ** Math.min(episode.email_attempts, 12)) * Math.max(1, this.config.mailIntervalMs / 1000);
        this.logger.warn({ err, episodeId: episode.id, attempt: episode.email_attempts }, 'Failure e-mail not sent; will retry');
        await this.tx.run(({ manager }) =>
          manager.query(
            `UPDATE failure_episode SET next_email_at = now() + make_interval(secs => $2), last_email_error = $3 WHERE id = $1`,
            [episode.id, retryIn, (err as Error).message.slice(0, 500)],
          ),
        );
      }
    }
    return sent;
  }

  private async sendOne(episode: Claimed): Promise<void> {
    await this.tx.run(async ({ manager }) => {
      const [facts]: { board: string; series: string; event: string | null; last_good: Date | null }[] = await manager.query(
        `SELECT l.name AS board, s.name AS series,
                (SELECT e.name FROM event e JOIN result_set rs ON rs.event_id = e.id AND rs.state IN ${PUBLIC_STATES_SQL}
                  WHERE e.series_id = l.series_id
                    AND rs.category IN (SELECT code FROM leaderboard_category WHERE leaderboard_id = l.id)
                  ORDER BY e.date DESC, e.id DESC LIMIT 1) AS event,
                (SELECT computed_at FROM result_set WHERE id = $2) AS last_good
           FROM leaderboard l JOIN series s ON s.id = l.series_id WHERE l.id = $1`,
        [episode.leaderboard_id, episode.result_set_id],
      );
      const { token, expiresAt } = await this.tokens.issue(manager, episode.id);
      const mail = composeFailureEmail({
        leaderboardName: facts.board,
        seriesName: facts.series,
        eventName: facts.event,
        error: episode.error_message,
        failedAt: episode.failed_at,
        lastGoodAt: facts.last_good,
        retryUrl: `${this.config.publicUrl}/admin/retry?token=${token}`,
        linkExpiresAt: expiresAt,
      });
      // Sent inside the transaction: if the send fails, the token and the "sent" mark roll back together.
      await this.transport.send({ to: this.config.adminEmails, ...mail });
      await manager.query(`UPDATE failure_episode SET emailed_at = now(), last_email_error = NULL WHERE id = $1`, [episode.id]);
    });
  }
}
