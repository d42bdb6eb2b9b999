import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
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

/**
 * Logs a Redis outage once as it starts and once as it ends, rather than an error on every
 * reconnect attempt (ioredis prints "Unhandled error event" for a client without a listener).
 */
export function outageLog(logger: Logger, what: string): { down: (err: unknown) => void; up: () => void } {
  let down = false;
  return {
    down: (err) => {
      if (!down) logger.warn({ err }, `Redis (${what}) unavailable; reconnecting`);
      down = true;
    },
    up: () => {
      if (down) logger.log(`Redis (${what}) is back`);
      down = false;
    },
  };
}

function sharedClient(config: AppConfig): Redis {
  const client = new IORedis(config.redisUrl, { ...producerRedisOptions(config), enableOfflineQueue: true, lazyConnect: false });
  const outage = outageLog(new Logger('Redis'), 'health checks');
  client.on('error', outage.down);
  client.on('ready', outage.up);
  return client;
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
      useFactory: sharedClient,
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
