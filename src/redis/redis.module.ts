import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import IORedis, { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/config';

export const REDIS = Symbol('REDIS');

/**
 * Reconnect quickly after an outage: ioredis' and BullMQ's default back-offs grow to 20 s,
 * which alone kept boards stale for ~19 s after Redis was back.
 */
function reconnectOptions(config: AppConfig) {
  return {
    enableReadyCheck: true,
    connectionName: `podium-${config.appRole}`,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, config.redisReconnectMaxMs),
  };
}

/** BullMQ's worker connections: blocking commands must wait for Redis, not give up after N retries. */
export function workerRedisOptions(config: AppConfig) {
  return { ...reconnectOptions(config), maxRetriesPerRequest: null };
}

/**
 * Producer and health-check connections fail fast: while Redis is away a command is refused at
 * once instead of waiting in ioredis' offline queue, so no request waits on Redis (the durable
 * pending mark and the sweeper catch the enqueue up). The timeout covers a Redis that accepts
 * the connection but does not answer.
 */
export function producerRedisOptions(config: AppConfig) {
  return { ...reconnectOptions(config), enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: config.redisCommandTimeoutMs };
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One shared client for health checks and locks; BullMQ opens its own connections. Unlike the
 * producer it queues commands while (re)connecting, so a check right after start waits for the
 * first connection; the command timeout and zero retries still bound every command during an outage.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new IORedis(config.redisUrl, { ...producerRedisOptions(config), enableOfflineQueue: true, lazyConnect: false }),
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
