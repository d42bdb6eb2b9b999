import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { producerRedisOptions } from '../redis/redis.module';
import { RECALC_QUEUE } from './recalc-job';
import { RecalcQueue } from './recalc-queue.service';

/** The recalculation queue, below leaderboards and notifications so both can enqueue. */
@Module({
  imports: [BullModule.registerQueue({ name: RECALC_QUEUE })],
  providers: [RecalcQueue],
  exports: [RecalcQueue, BullModule],
})
export class QueueModule {}

/**
 * BullMQ's producer connection and key prefix, the same for every process (app, workers, import
 * command). It fails fast while Redis is away; the worker has connections of its own.
 */
export function queueRoot(config: AppConfig): DynamicModule {
  return BullModule.forRoot({ connection: { url: config.redisUrl, ...producerRedisOptions(config) }, prefix: config.redisPrefix });
}
