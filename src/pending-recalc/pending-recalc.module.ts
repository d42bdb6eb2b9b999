import { Module } from '@nestjs/common';
import { PendingRecalcRepository } from './pending-recalc.repository';

/**
 * The pending-recalculation record (table recalc_outbox), below results and leaderboards so both
 * can mark boards without importing each other.
 */
@Module({ providers: [PendingRecalcRepository], exports: [PendingRecalcRepository] })
export class PendingRecalcModule {}
