import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { returning } from '../../common/database/execute';
import { APP_CONFIG, AppConfig } from '../../config/config';

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
    private readonly dataSource: DataSource,
  ) {}

  async issue(manager: EntityManager, episodeId: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.retryLinkTtlMs);
    await manager.query('INSERT INTO retry_token (episode_id, token_hash, expires_at) VALUES ($1, $2, $3)', [episodeId, this.hash(token), expiresAt]);
    return { token, expiresAt };
  }

  /** Reads a token without changing anything (GET: mail scanners open links). */
  async check(token: string): Promise<TokenCheck> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'unknown' };
    const rows: { episode_id: number; leaderboard_id: number; name: string; error_message: string; expires_at: Date; used_at: Date | null; closed_at: Date | null; expired: boolean }[] =
      await this.dataSource.query(
        `SELECT t.episode_id, e.leaderboard_id, l.name, e.error_message, t.expires_at, t.used_at, e.closed_at, t.expires_at <= now() AS expired
           FROM retry_token t JOIN failure_episode e ON e.id = t.episode_id JOIN leaderboard l ON l.id = e.leaderboard_id
          WHERE t.token_hash = $1`,
        [this.hash(token)],
      );
    if (rows.length === 0) return { kind: 'unknown' };
    const [row] = rows;
    if (row.used_at) return { kind: 'gone', reason: 'This retry link has already been used.' };
    if (row.expired) return { kind: 'gone', reason: 'This retry link has expired.' };
    if (row.closed_at) return { kind: 'gone', reason: 'The leaderboard has recalculated successfully since; nothing to retry.' };
    return { kind: 'valid', episodeId: row.episode_id, leaderboardId: row.leaderboard_id, leaderboardName: row.name, error: row.error_message, expiresAt: row.expires_at };
  }

  /** Uses the token: atomically, so a double click or a replay retries once. */
  async consume(manager: EntityManager, token: string): Promise<{ leaderboardId: number } | null> {
    const rows = await returning<{ leaderboard_id: number }>(
      manager,
      `UPDATE retry_token t SET used_at = now()
         FROM failure_episode e
        WHERE t.token_hash = $1 AND e.id = t.episode_id AND t.used_at IS NULL AND t.expires_at > now() AND e.closed_at IS NULL
        RETURNING e.leaderboard_id`,
      [this.hash(token)],
    );
    return rows.length ? { leaderboardId: rows[0].leaderboard_id } : null;
  }

  private hash(token: string): Buffer {
    return createHmac('sha256', this.config.retryLinkSecret).update(token).digest();
  }
}
