import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returning } from '../common/database/execute';
import { OneStatement } from '../common/database/one-statement';
import { PUBLIC_STATES_SQL } from '../common/result-set-state';

const RECOVERY_MESSAGE = 'The standings were recalculated successfully';

/** An episode claimed for its failure e-mail, with what the e-mail says. */
export interface EpisodeToMail {
  id: number;
  leaderboardId: number;
  resultSetId: number | null;
  errorMessage: string;
  failedAt: Date;
  emailAttempts: number;
}

/** What a failure e-mail names besides the error: the board, its series, the latest event, the last good standings. */
export interface MailFacts {
  board: string;
  series: string;
  event: string | null;
  lastGood: Date | null;
}

export interface NotificationRow {
  id: number;
  kind: 'FAILURE' | 'RECOVERY';
  leaderboardId: number;
  leaderboardName: string;
  message: string;
  episodeId: number;
  createdAt: Date;
  readAt: Date | null;
}

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

  /**
   * Closes the board's open episode, if any, with a recovery notification, as parts of a run's
   * closing statement; its column `recovered` is the episode's id (null: none was open).
   * Returns an SQL condition, for the same statement, that is true when it closed one.
   */
  addRecovery(statement: OneStatement, leaderboardId: number): string {
    statement.with('recovered',
      `UPDATE failure_episode SET closed_at = now() WHERE leaderboard_id = ${statement.param(leaderboardId)} AND closed_at IS NULL RETURNING id, leaderboard_id`);
    statement.with('recovery_notice',
      `INSERT INTO notification (episode_id, leaderboard_id, kind, message, created_at)
       SELECT id, leaderboard_id, 'RECOVERY', ${statement.param(RECOVERY_MESSAGE)}, now() FROM recovered ORDER BY id LIMIT 1
       ON CONFLICT (episode_id, kind) DO NOTHING`);
    statement.select('recovered', '(SELECT min(id) FROM recovered)');
    return 'EXISTS (SELECT FROM recovered)';
  }

  private async notify(manager: EntityManager, episodeId: number, leaderboardId: number, kind: 'FAILURE' | 'RECOVERY', message: string): Promise<void> {
    await manager.query(
      `INSERT INTO notification (episode_id, leaderboard_id, kind, message, created_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (episode_id, kind) DO NOTHING`,
      [episodeId, leaderboardId, kind, message],
    );
  }

  /** The admin UI's notifications, newest first. */
  async notifications(manager: EntityManager, unreadOnly: boolean, limit: number): Promise<NotificationRow[]> {
    const rows: { id: number; kind: 'FAILURE' | 'RECOVERY'; leaderboard_id: number; name: string; message: string; episode_id: number; created_at: Date; read_at: Date | null }[] =
      await manager.query(
        `SELECT n.id, n.kind, n.leaderboard_id, l.name, n.message, n.episode_id, n.created_at, n.read_at
           FROM notification n JOIN leaderboard l ON l.id = n.leaderboard_id
          WHERE ($1::boolean IS NOT TRUE OR n.read_at IS NULL)
          ORDER BY n.id DESC LIMIT $2`,
        [unreadOnly, limit],
      );
    return rows.map((r) => ({
      id: r.id, kind: r.kind, leaderboardId: r.leaderboard_id, leaderboardName: r.name, message: r.message, episodeId: r.episode_id,
      createdAt: r.created_at, readAt: r.read_at,
    }));
  }

  /** Marks a notification read (the first time counts); says whether it exists. */
  async markRead(manager: EntityManager, id: number): Promise<boolean> {
    const rows = await returning<{ id: number }>(manager, 'UPDATE notification SET read_at = COALESCE(read_at, now()) WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  /** Open episodes whose failure e-mail is due (never sent, and past any back-off or lease). */
  async dueForEmail(manager: EntityManager, limit: number): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      `SELECT id FROM failure_episode
        WHERE emailed_at IS NULL AND closed_at IS NULL AND next_email_at <= now()
        ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Claims an episode's e-mail if it is still due, in one compare-and-set UPDATE: the claim
   * leases it (next_email_at moves ahead) so that, whatever the number of processes, one of
   * them sends it; a process that dies mid-send gives it back when the lease ends.
   */
  async claimForEmail(manager: EntityManager, id: number, leaseSeconds: number): Promise<EpisodeToMail | null> {
    const [row] = await returning<{ id: number; leaderboard_id: number; result_set_id: number | null; error_message: string; failed_at: Date; email_attempts: number }>(
      manager,
      `UPDATE failure_episode SET next_email_at = now() + make_interval(secs => $2), email_attempts = email_attempts + 1
        WHERE id = $1 AND emailed_at IS NULL AND closed_at IS NULL AND next_email_at <= now()
        RETURNING id, leaderboard_id, result_set_id, error_message, failed_at, email_attempts`,
      [id, leaseSeconds],
    );
    if (!row) return null;
    return {
      id: row.id, leaderboardId: row.leaderboard_id, resultSetId: row.result_set_id, errorMessage: row.error_message,
      failedAt: row.failed_at, emailAttempts: row.email_attempts,
    };
  }

  async mailFacts(manager: EntityManager, leaderboardId: number, resultSetId: number | null): Promise<MailFacts> {
    const [facts]: { board: string; series: string; event: string | null; last_good: Date | null }[] = await manager.query(
      `SELECT l.name AS board, s.name AS series,
              (SELECT e.name FROM event e JOIN result_set rs ON rs.event_id = e.id AND rs.state IN ${PUBLIC_STATES_SQL}
                WHERE e.series_id = l.series_id
                  AND rs.category IN (SELECT code FROM leaderboard_category WHERE leaderboard_id = l.id)
                ORDER BY e.date DESC, e.id DESC LIMIT 1) AS event,
              (SELECT computed_at FROM result_set WHERE id = $2) AS last_good
         FROM leaderboard l JOIN series s ON s.id = l.series_id WHERE l.id = $1`,
      [leaderboardId, resultSetId],
    );
    return { board: facts.board, series: facts.series, event: facts.event, lastGood: facts.last_good };
  }

  /** Records the e-mail as sent; only the first mark counts. */
  async markEmailed(manager: EntityManager, id: number): Promise<void> {
    await manager.query('UPDATE failure_episode SET emailed_at = now(), last_email_error = NULL WHERE id = $1 AND emailed_at IS NULL', [id]);
  }

  /** Records a failed send; the e-mail is due again after `retryInSeconds`. */
  async emailFailed(manager: EntityManager, id: number, retryInSeconds: number, error: string): Promise<void> {
    await manager.query(
      'UPDATE failure_episode SET next_email_at = now() + make_interval(secs => $2), last_email_error = $3 WHERE id = $1',
      [id, retryInSeconds, error.slice(0, 500)],
    );
  }
}
