import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { FailureEpisodesRepository } from './failure-episodes.repository';
import { FailureMailTask } from './mail/failure-mail.task';
import { MailTransport } from './mail/mail-transport';
import { NotificationsController } from './notifications.controller';
import { RetryRateLimiter } from './retry/rate-limiter';
import { RetryController } from './retry/retry.controller';
import { RetryTokens } from './retry/retry-tokens';

/**
 * Failure episodes, UI notifications, failure e-mails and retry links. It imports the queue
 * (to retry), never the leaderboards modules: those import it, and cycles are not allowed.
 */
@Module({
  imports: [QueueModule],
  controllers: [NotificationsController, RetryController],
  providers: [FailureEpisodesRepository, MailTransport, RetryTokens, FailureMailTask, RetryRateLimiter],
  exports: [FailureEpisodesRepository],
})
export class NotificationsModule {}
