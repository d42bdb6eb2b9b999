import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { NOTIFICATIONS_QUEUE, RECALC_QUEUE } from './queue-names';

/**
 * One producer Queue per name in a process, whichever modules use it (the feature that owns
 * the queue, metrics, the dashboard): closing or watching "the" queue means the same object.
 */
@Module({
  imports: [BullModule.registerQueue({ name: RECALC_QUEUE }, { name: NOTIFICATIONS_QUEUE })],
  exports: [BullModule],
})
export class QueuesModule {}
