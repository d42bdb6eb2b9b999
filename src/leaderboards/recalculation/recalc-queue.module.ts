import { Module } from '@nestjs/common';
import { QueuesModule } from '../../common/queue/queues.module';
import { PendingRecalcModule } from '../../pending-recalc/pending-recalc.module';
import { RecalcQueue } from './recalc-queue.service';
import { RunsRepository } from './runs.repository';

/** The producer side of recalculation: the queue, and the run rows it opens for queued jobs. */
@Module({
  imports: [QueuesModule, PendingRecalcModule],
  providers: [RecalcQueue, RunsRepository],
  exports: [RecalcQueue, RunsRepository, QueuesModule],
})
export class RecalcQueueModule {}
