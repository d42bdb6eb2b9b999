import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { RECALC_QUEUE } from './recalc-job';
import { RecalcQueue } from './recalc-queue.service';

/** The recalculation queue, below leaderboards and notifications so both can enqueue. */
@Module({
  imports: [BullModule.registerQueue({ name: RECALC_QUEUE })],
  providers: [RecalcQueue],
  exports: [RecalcQueue, BullModule],
})
export class QueueModule {}
