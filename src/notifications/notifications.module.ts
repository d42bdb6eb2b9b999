import { Module } from '@nestjs/common';
import { FailureEpisodesRepository } from './failure-episodes.repository';

/** Failure episodes and notifications; knows nothing of leaderboards' modules (no cycles). */
@Module({ providers: [FailureEpisodesRepository], exports: [FailureEpisodesRepository] })
export class NotificationsModule {}
