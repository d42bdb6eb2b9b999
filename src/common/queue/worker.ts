import { Logger } from '@nestjs/common';
import { Processor, Worker, WorkerOptions } from 'bullmq';
import { AppConfig } from '../../config/config';
import { workerRedisOptions } from '../../redis/redis.module';

/**
 * A BullMQ worker on Podium's Redis: the worker connection options (blocking commands wait for
 * Redis, reconnects within REDIS_RECONNECT_MAX_MS), the key prefix, a retry soon after a Redis
 * error (BullMQ's default wait is 15 s), and its errors logged under `label`.
 */
export function podiumWorker<Data>(
  config: AppConfig,
  queue: string,
  processor: Processor<Data>,
  logger: Logger,
  label: string,
  options: Partial<WorkerOptions> = {},
): Worker<Data> {
  const worker = new Worker<Data>(queue, processor, {
    connection: { url: config.redisUrl, ...workerRedisOptions(config) },
    prefix: config.redisPrefix,
    runRetryDelay: config.redisReconnectMaxMs,
    ...options,
  });
  worker.on('error', (err) => logger.error({ err }, `${label} worker error`));
  return worker;
}
