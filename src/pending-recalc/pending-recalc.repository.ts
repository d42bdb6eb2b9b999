import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { eventInScopeSql } from '../calculators/event-scope';
import { OneStatement } from '../common/database/one-statement';

const RESULTS_VERSION_SQL = (board: string): string => `SELECT results_version FROM recalc_outbox WHERE leaderboard_id = ${board}`;

const MARK_COMPUTED_SQL = (board: string, version: string): string => `
  INSERT INTO recalc_outbox AS o (leaderboard_id, results_version, standings_version)
  VALUES (${board}, ${version}, ${version})
  ON CONFLICT (leaderboard_id) DO UPDATE
     SET standings_version = GREATEST(o.standings_version, ${version}),
         first_pending_at = CASE WHEN o.results_version <= ${version} THEN NULL ELSE now() END`;

export interface PendingBoard {
  leaderboardId: number;
  resultsVersion: number;
  firstPendingAt: Date;
  lastChangedAt: Date;
}

/** A pending board the sweeper should enqueue, and what is left of its quiet period. */
export interface DueBoard {
  leaderboardId: number;
  delayMs: number;
}

/**
 * The pending-recalculation record of each board (table recalc_outbox), and its only owner.
 * The durable half of "nothing lost": boards are marked pending inside the transaction that
 * changes their inputs, so a crash between commit and enqueue leaves a mark the sweeper will
 * find; a run records the version its standings reflect.
 */
@Injectable()
export class PendingRecalcRepository {
  /**
   * Active boards of the event's series that read this event (by scope) in one of these
   * categories. Ordered, so concurrent transactions lock pending rows in the same order.
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

  /**
   * Active boards of the event's series whose event scope contains the event, whatever their
   * categories: an event's date, star or multiplier matters to every such board. Read before and
   * after a star changes, a STARRED board is found either way.
   */
  async boardsReadingEvent(manager: EntityManager, eventId: number): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      `SELECT l.id
         FROM leaderboard l
         JOIN event e ON e.series_id = l.series_id AND e.id = $1
        WHERE l.active AND ${eventInScopeSql({ scope: 'l.event_scope', board: 'l.id', event: 'e' })}
        ORDER BY l.id`,
      [eventId],
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

  /** The boards among these with changes their standings do not show yet, by board id. */
  async pendingOf(manager: EntityManager, leaderboardIds: number[]): Promise<Map<number, PendingBoard>> {
    if (leaderboardIds.length === 0) return new Map();
    const rows: { leaderboard_id: number; results_version: string; first_pending_at: Date; last_changed_at: Date }[] = await manager.query(
      `SELECT leaderboard_id, results_version, first_pending_at, last_changed_at FROM recalc_outbox
        WHERE leaderboard_id = ANY($1::int[]) AND results_version > standings_version`,
      [leaderboardIds],
    );
    return new Map(rows.map((row) => [row.leaderboard_id, {
      leaderboardId: row.leaderboard_id,
      resultsVersion: Number(row.results_version),
      firstPendingAt: row.first_pending_at,
      lastChangedAt: row.last_changed_at,
    }]));
  }

  /** When each board's oldest pending change arrived (null: none pending), for the max-wait cap. */
  async firstPendingAt(manager: EntityManager, leaderboardIds: number[]): Promise<Map<number, Date | null>> {
    const rows: { leaderboard_id: number; first_pending_at: Date | null }[] = await manager.query(
      'SELECT leaderboard_id, first_pending_at FROM recalc_outbox WHERE leaderboard_id = ANY($1::int[])',
      [leaderboardIds],
    );
    return new Map(rows.map((row) => [row.leaderboard_id, row.first_pending_at]));
  }

  /** The latest results version of a board (0 before its first change). */
  async resultsVersion(manager: EntityManager, leaderboardId: number): Promise<number> {
    const rows: { results_version: string }[] = await manager.query(RESULTS_VERSION_SQL('$1'), [leaderboardId]);
    return rows.length ? Number(rows[0].results_version) : 0;
  }

  /**
   * resultsVersion() as the column `results_version` of a statement that reads board `board`
   * (an SQL expression). The caller converts it with Number(): it is a bigint.
   */
  addResultsVersion(statement: OneStatement, board: string): void {
    statement.select('results_version', `COALESCE((${RESULTS_VERSION_SQL(board)}), 0)`);
  }

  /**
   * Records that the standings reflect `version`. The board stays pending if a newer change
   * arrived meanwhile; its max-wait clock then restarts from now, the earliest that change can be.
   */
  async markComputed(manager: EntityManager, leaderboardId: number, version: number): Promise<void> {
    await manager.query(MARK_COMPUTED_SQL('$1', '$2'), [leaderboardId, version]);
  }

  /** markComputed() as a part of a run's closing statement. */
  addMarkComputed(statement: OneStatement, leaderboardId: number, version: number): void {
    statement.with('computed', MARK_COMPUTED_SQL(statement.param(leaderboardId), `${statement.param(version)}::bigint`));
  }

  /**
   * Pending boards of active leaderboards that are the sweeper's: a board is once it is a whole
   * quiet period past the time its own job was due (right at that time the debounced job may
   * still be on its way from delayed to active, as BullMQ promotes delayed jobs on its own
   * clock, and sweeping then would run the board twice; the grace costs a lost job one more
   * quiet period, never the change). With `all` (a catch-up sweep) every pending board, each
   * with what is left of its quiet period.
   */
  async due(manager: EntityManager, debounceMs: number, maxWaitMs: number, all: boolean): Promise<DueBoard[]> {
    const rows: { leaderboard_id: number; delay_ms: number }[] = await manager.query(
      `SELECT o.leaderboard_id,
              GREATEST(0, ceil(1000 * extract(epoch FROM
                LEAST(COALESCE(o.last_changed_at, o.first_pending_at) + make_interval(secs => $1::float8 / 1000),
                      o.first_pending_at + make_interval(secs => $2::float8 / 1000)) - now())))::int AS delay_ms
         FROM recalc_outbox o JOIN leaderboard l ON l.id = o.leaderboard_id
        WHERE o.results_version > o.standings_version AND o.first_pending_at IS NOT NULL
          AND ($3::boolean
               OR o.last_changed_at + make_interval(secs => 2 * $1::float8 / 1000) <= now()
               OR o.first_pending_at + make_interval(secs => ($2::float8 + $1::float8) / 1000) <= now())
        ORDER BY o.first_pending_at`,
      [debounceMs, maxWaitMs, all],
    );
    return rows.map((row) => ({ leaderboardId: row.leaderboard_id, delayMs: row.delay_ms }));
  }

  /** How many boards are pending and how long the oldest has waited, read through recalc_outbox_pending_idx. */
  async backlog(manager: EntityManager): Promise<{ boardsPending: number; oldestPendingAgeSeconds: number }> {
    const [row]: { pending: number; oldest: number | null }[] = await manager.query(
      `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(first_pending_at))::float8 AS oldest
         FROM recalc_outbox
        WHERE first_pending_at IS NOT NULL AND results_version <> standings_version`,
    );
    return { boardsPending: row.pending, oldestPendingAgeSeconds: Math.max(0, row.oldest ?? 0) };
  }
}
