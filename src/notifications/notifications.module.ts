import { Module } from '@nestjs/common';
import { QueuesModule } from '../common/queue/queues.module';
import { FailureEpisodesRepository } from './failure-episodes.repository';
import { FailureMailProcessor } from './mail/failure-mail.processor';
import { FailureMailScheduler } from './mail/failure-mail.scheduler';
import { MailTransport } from './mail/mail-transport';
import { NotificationsController } from './notifications.controller';
import { RetryRateLimiter } from './retry/rate-limiter';
import { RetryTokens } from './retry/retry-tokens';
import { RetryTokensRepository } from './retry/retry-tokens.repository';

/**
 * Failure episodes, UI notifications, failure e-mails (a job per episode on the notifications
 * queue) and retry-link tokens. It imports no other feature: the recalculation feature imports
 * it, records episodes through it and serves the retry links with its tokens.
 */
@Module({
  imports: [QueuesModule],
  controllers: [NotificationsController],
  providers: [FailureEpisodesRepository, MailTransport, RetryTokens, RetryTokensRepository, FailureMailScheduler, FailureMailProcessor, RetryRateLimiter],
  exports: [FailureEpisodesRepository, RetryTokens, RetryRateLimiter],
})
export class NotificationsModule {}
