import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RetryTokensRepository } from './retry-tokens.repository';

export type TokenCheck =
  | { kind: 'valid'; episodeId: number; leaderboardId: number; leaderboardName: string; error: string; expiresAt: Date }
  | { kind: 'gone'; reason: string }
  | { kind: 'unknown' };

/**
 * Retry-link tokens: 256 random bits, stored only as an HMAC (a database leak gives no usable
 * link), tied to one failure episode, expiring, single-use.
 */
@Injectable()
export class RetryTokens {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly stored: RetryTokensRepository,
  ) {}

  async issue(manager: EntityManager, episodeId: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.retryLinkTtlMs);
    await this.stored.insert(manager, episodeId, this.hash(token), expiresAt);
    return { token, expiresAt };
  }

  /** Reads a token without changing anything (GET: mail scanners open links). */
  async check(token: string): Promise<TokenCheck> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'unknown' };
    const row = await this.tx.run(({ manager }) => this.stored.find(manager, this.hash(token)));
    if (!row) return { kind: 'unknown' };
    if (row.used_at) return { kind: 'gone', reason: 'This retry link has already been used.' };
    if (row.expired) return { kind: 'gone', reason: 'This retry link has expired.' };
    if (row.closed_at) return { kind: 'gone', reason: 'The leaderboard has recalculated successfully since; nothing to retry.' };
    return { kind: 'valid', episodeId: row.episode_id, leaderboardId: row.leaderboard_id, leaderboardName: row.name, error: row.error_message, expiresAt: row.expires_at };
  }

  /** Uses the token: atomically, so a double click or a replay retries once. */
  consume(manager: EntityManager, token: string): Promise<{ leaderboardId: number } | null> {
    return this.stored.consume(manager, this.hash(token));
  }

  private hash(token: string): Buffer {
    return createHmac('sha256', this.config.retryLinkSecret).update(token).digest();
  }
}
