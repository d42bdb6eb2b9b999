import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returning } from '../common/database/execute';

/**
 * Failure episodes and their UI notifications. An episode opens with a board's first failed
 * run and closes with its next success; the database allows one open episode per board and
 * one notification per episode and kind, so concurrent workers cannot double-notify.
 */
@Injectable()
export class FailureEpisodesRepository {
  /** Opens an episode (or updates the open one's error); says whether this failure opened it. */
  async recordFailure(manager: EntityManager, leaderboardId: number, resultSetId: number, message: string): Promise<{ episodeId: number; opened: boolean }> {
    const opened: { id: number }[] = await manager.query(
      `INSERT INTO failure_episode (leaderboard_id, result_set_id, error_message)
       VALUES ($1, $2, $3)
       ON CONFLICT (leaderboard_id) WHERE closed_at IS NULL DO NOTHING
       RETURNING id`,
      [leaderboardId, resultSetId, message],
    );
    if (opened.length > 0) {
      await this.notify(manager, opened[0].id, leaderboardId, 'FAILURE', message);
      return { episodeId: opened[0].id, opened: true };
    }
    const [open] = await returning<{ id: number }>(
      manager,
      `UPDATE failure_episode SET error_message = $2 WHERE leaderboard_id = $1 AND closed_at IS NULL RETURNING id`,
      [leaderboardId, message],
    );
    return { episodeId: open.id, opened: false };
  }

  /** Closes the board's open episode, if any, with a recovery notification. */
  async recordRecovery(manager: EntityManager, leaderboardId: number): Promise<number | null> {
    const closed = await returning<{ id: number }>(
      manager,
      `UPDATE failure_episode SET closed_at = now() WHERE leaderboard_id = $1 AND closed_at IS NULL RETURNING id`,
      [leaderboardId],
    );
    if (closed.length === 0) return null;
    await this.notify(manager, closed[0].id, leaderboardId, 'RECOVERY', 'The standings were recalculated successfully');
    return closed[0].id;
  }

  private async notify(manager: EntityManager, episodeId: number, leaderboardId: number, kind: 'FAILURE' | 'RECOVERY', message: string): Promise<void> {
    await manager.query(
      `INSERT INTO notification (episode_id, leaderboard_id, kind, message, created_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (episode_id, kind) DO NOTHING`,
      [episodeId, leaderboardId, kind, message],
    );
  }
}
