import { BullModule } from '@nestjs/bullmq';
import { DynamicModule } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { producerRedisOptions } from '../../redis/redis.module';

/**
 * BullMQ's producer connection and key prefix, the same for every process (app, workers, import
 * command). It fails fast while Redis is away; the workers have connections of their own.
 */
export function queueRoot(config: AppConfig): DynamicModule {
  return BullModule.forRoot({ connection: { url: config.redisUrl, ...producerRedisOptions(config) }, prefix: config.redisPrefix });
}
