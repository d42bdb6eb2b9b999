import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returning } from '../../common/database/execute';

export interface StoredToken {
  episode_id: number;
  leaderboard_id: number;
  name: string;
  error_message: string;
  expires_at: Date;
  used_at: Date | null;
  closed_at: Date | null;
  expired: boolean;
}

/** Retry-link tokens as stored: by HMAC, with their episode. */
@Injectable()
export class RetryTokensRepository {
  async insert(manager: EntityManager, episodeId: number, hash: Buffer, expiresAt: Date): Promise<void> {
    await manager.query('INSERT INTO retry_token (episode_id, token_hash, expires_at) VALUES ($1, $2, $3)', [episodeId, hash, expiresAt]);
  }

  async find(manager: EntityManager, hash: Buffer): Promise<StoredToken | null> {
    const rows: StoredToken[] = await manager.query(
      `SELECT t.episode_id, e.leaderboard_id, l.name, e.error_message, t.expires_at, t.used_at, e.closed_at, t.expires_at <= now() AS expired
         FROM retry_token t JOIN failure_episode e ON e.id = t.episode_id JOIN leaderboard l ON l.id = e.leaderboard_id
        WHERE t.token_hash = $1`,
      [hash],
    );
    return rows[0] ?? null;
  }

  /** Uses a token atomically, so a double click or a replay retries once; null if it was not usable. */
  async consume(manager: EntityManager, hash: Buffer): Promise<{ leaderboardId: number } | null> {
    const rows = await returning<{ leaderboard_id: number }>(
      manager,
      `UPDATE retry_token t SET used_at = now()
         FROM failure_episode e
        WHERE t.token_hash = $1 AND e.id = t.episode_id AND t.used_at IS NULL AND t.expires_at > now() AND e.closed_at IS NULL
        RETURNING e.leaderboard_id`,
      [hash],
    );
    return rows.length ? { leaderboardId: rows[0].leaderboard_id } : null;
  }
}
