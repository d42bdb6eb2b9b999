import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { eventInScopeSql } from '../calculators/event-scope';

export interface PendingBoard {
  leaderboardId: number;
  resultsVersion: number;
  firstPendingAt: Date;
  lastChangedAt: Date;
}

/**
 * The durable half of "nothing lost": marks boards pending inside the transaction that changes
 * their inputs, so a crash between commit and enqueue leaves a mark the sweeper will find.
 */
@Injectable()
export class PendingMarksRepository {
  /**
   * Active boards of the event's series that read this event (by scope) in one of these
   * categories. Ordered, so concurrent transactions lock outbox rows in the same order.
   */
  async affectedBoards(manager: EntityManager, eventId: number, categories: string[]): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      `SELECT l.id
         FROM leaderboard l
         JOIN event e ON e.series_id = l.series_id AND e.id = $1
        WHERE l.active
          AND EXISTS (SELECT 1 FROM leaderboard_category c WHERE c.leaderboard_id = l.id AND c.code = ANY($2::text[]))
          AND ${eventInScopeSql({ scope: 'l.event_scope', board: 'l.id', event: 'e' })}
        ORDER BY l.id`,
      [eventId, categories],
    );
    return rows.map((row) => row.id);
  }

  /** Category codes read by the series' active boards, so an import can warn about a mistyped one. */
  async categoriesOnBoards(manager: EntityManager, seriesId: number): Promise<Set<string>> {
    const rows: { code: string }[] = await manager.query(
      `SELECT DISTINCT c.code FROM leaderboard_category c JOIN leaderboard l ON l.id = c.leaderboard_id
        WHERE l.series_id = $1 AND l.active`,
      [seriesId],
    );
    return new Set(rows.map((row) => row.code));
  }

  /** Bumps each board's results version; the max-wait clock starts at the first pending change. */
  async mark(manager: EntityManager, leaderboardIds: number[]): Promise<void> {
    if (leaderboardIds.length === 0) return;
    await manager.query(
      `INSERT INTO recalc_outbox AS o (leaderboard_id, results_version, first_pending_at, last_changed_at)
       SELECT id, 1, now(), now() FROM unnest($1::int[]) AS id ORDER BY id
       ON CONFLICT (leaderboard_id) DO UPDATE
          SET results_version = o.results_version + 1,
              first_pending_at = COALESCE(o.first_pending_at, now()),
              last_changed_at = now()`,
      [[...new Set(leaderboardIds)].sort((a, b) => a - b)],
    );
  }

  /** Marks the boards a change to (event, categories) affects, and says which they were. */
  async markAffected(manager: EntityManager, eventId: number, categories: string[]): Promise<number[]> {
    const boards = await this.affectedBoards(manager, eventId, categories);
    await this.mark(manager, boards);
    return boards;
  }

  async pendingOf(manager: EntityManager, leaderboardId: number): Promise<PendingBoard | null> {
    const rows: { results_version: string; first_pending_at: Date; last_changed_at: Date }[] = await manager.query(
      `SELECT results_version, first_pending_at, last_changed_at FROM recalc_outbox
        WHERE leaderboard_id = $1 AND results_version > standings_version`,
      [leaderboardId],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      leaderboardId,
      resultsVersion: Number(row.results_version),
      firstPendingAt: row.first_pending_at,
      lastChangedAt: row.last_changed_at,
    };
  }
}
