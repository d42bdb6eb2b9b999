import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { RECALC_QUEUE } from '../../common/queue/queue-names';
import { PendingRecalcModule } from '../../pending-recalc/pending-recalc.module';
import { RecalcQueue } from './recalc-queue.service';
import { RunsRepository } from './runs.repository';

/** The producer side of recalculation: the queue, and the run rows it opens for queued jobs. */
@Module({
  imports: [BullModule.registerQueue({ name: RECALC_QUEUE }), PendingRecalcModule],
  providers: [RecalcQueue, RunsRepository],
  exports: [RecalcQueue, RunsRepository, BullModule],
})
export class RecalcQueueModule {}
