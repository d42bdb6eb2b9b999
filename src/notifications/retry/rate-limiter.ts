import { Inject, Injectable, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { REDIS } from '../../redis/redis.module';

/** Requests per client address and window on the public retry page. */
export const RETRY_PAGE_LIMIT = { points: 30, durationSeconds: 60 };
/** A limiter that cannot answer this fast lets the request through (see allow()). */
const REDIS_TIMEOUT_MS = 500;

/**
 * The retry page's limit per client address, counted in Redis so every process shares it.
 * The address is Express's req.ip: X-Forwarded-For counts only behind a trusted proxy (TRUST_PROXY).
 */
@Injectable()
export class RetryRateLimiter {
  private readonly logger = new Logger(RetryRateLimiter.name);
  private readonly limiter: RLWrapperTimeouts;
  private warnedUnavailable = false;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: Pick<AppConfig, 'redisPrefix'>) {
    const store = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.redisPrefix}:retry-rate`,
      points: RETRY_PAGE_LIMIT.points,
      duration: RETRY_PAGE_LIMIT.durationSeconds,
      // Redis away: answer at once instead of waiting in the client's offline queue.
      rejectIfRedisNotReady: true,
    });
    this.limiter = new RLWrapperTimeouts({ limiter: store, timeoutMs: REDIS_TIMEOUT_MS });
  }

  /**
   * Whether this client may go on. Fails open: while Redis is unreachable the page is not
   * limited, because a 429 for every administrator during an outage is worse than an
   * unthrottled page whose tokens are 256-bit and single-use.
   */
  async allow(client: string): Promise<boolean> {
    try {
      await this.limiter.consume(client);
      this.warnedUnavailable = false;
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      if (!this.warnedUnavailable) this.logger.warn({ err: rejection }, 'Retry page rate limit unavailable (Redis); letting requests through');
      this.warnedUnavailable = true;
      return true;
    }
  }
}
