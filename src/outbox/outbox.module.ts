import { Module } from '@nestjs/common';
import { PendingMarksRepository } from './pending-marks.repository';

/** Shared below results and leaderboards, so neither has to import the other. */
@Module({ providers: [PendingMarksRepository], exports: [PendingMarksRepository] })
export class OutboxModule {}
