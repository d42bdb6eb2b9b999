import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { RegisteredCodes } from '../calculators';
import { OneStatement } from '../common/database/one-statement';
import { NotFoundError } from '../common/errors/domain-errors';
import { ResultSet } from '../results/result-set.entity';
import { Leaderboard, LeaderboardCategory, LeaderboardEvent } from './leaderboard.entity';
import { PointsScale } from './points-scale.entity';
import { RecalcRun } from './recalc.entities';
import { LIVE_STANDINGS_SET, PUBLISHED_PREDECESSOR } from './standings/standings-rows.repository';

/** A board with everything that configures it. */
export interface BoardDefinition {
  board: Leaderboard;
  categories: LeaderboardCategory[];
  listedEventIds: number[];
  nonDroppableEventIds: number[];
}

@Injectable()
export class LeaderboardsRepository {
  /** A new, unsaved board of this series. */
  newBoard(manager: EntityManager, seriesId: number): Leaderboard {
    return manager.getRepository(Leaderboard).create({ seriesId });
  }

  save(manager: EntityManager, board: Leaderboard): Promise<Leaderboard> {
    return manager.getRepository(Leaderboard).save(board);
  }

  async seriesExists(manager: EntityManager, seriesId: number): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM series WHERE id = $1', [seriesId]);
    return rows.length > 0;
  }

  async find(manager: EntityManager, id: number, lock = false): Promise<Leaderboard> {
    const board = await manager
      .getRepository(Leaderboard)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!board) throw new NotFoundError('Leaderboard', id);
    return board;
  }

  async definition(manager: EntityManager, id: number): Promise<BoardDefinition> {
    return (await this.definitions(manager, [await this.find(manager, id)]))[0];
  }

  /**
   * Adds a recalculation's read of board `l` to its opening statement: the board's columns (as
   * `board.<property>`), its categories, listed and non-droppable events, its points scale and
   * the organiser-defined status codes the scale is scored against (RecalculationRunner, "one
   * opening read"; read in the run's transaction, never cached, so a board edited a moment ago
   * is computed as edited). runDefinitionOf reads them back.
   */
  addRunDefinition(manager: EntityManager, statement: OneStatement, l: string): void {
    for (const column of manager.connection.getMetadata(Leaderboard).columns) statement.select(`board.${column.propertyName}`, `${l}.${column.databaseName}`);
    statement.select('run_categories',
      `(SELECT COALESCE(json_agg(json_build_object('code', c.code, 'multiplier', c.multiplier, 'ordinal', c.ordinal) ORDER BY c.ordinal), '[]')
          FROM leaderboard_category c WHERE c.leaderboard_id = ${l}.id)`);
    statement.select('run_listed', `(SELECT COALESCE(array_agg(e.event_id ORDER BY e.event_id) FILTER (WHERE e.listed), '{}') FROM leaderboard_event e WHERE e.leaderboard_id = ${l}.id)`);
    statement.select('run_non_droppable', `(SELECT COALESCE(array_agg(e.event_id ORDER BY e.event_id) FILTER (WHERE e.non_droppable), '{}') FROM leaderboard_event e WHERE e.leaderboard_id = ${l}.id)`);
    statement.select('run_scale', `(SELECT json_build_object('id', p.id, 'name', p.name, 'kind', p.kind, 'config', p.config) FROM points_scale p WHERE p.id = ${l}.points_scale_id)`);
    statement.select('run_codes', `(SELECT COALESCE(json_object_agg(s.code, s.number), '{}') FROM status_code s WHERE NOT s.built_in)`);
  }

  /**
   * The board, scale and registered codes addRunDefinition read, from the statement's row
   * (undefined: no such board). The board is hydrated as TypeORM would (its driver's
   * conversions and the columns' transformers), without a query builder.
   */
  runDefinitionOf(manager: EntityManager, id: number, row: Record<string, unknown> | undefined): { def: BoardDefinition; scale: PointsScale; registeredCodes: RegisteredCodes } {
    if (!row) throw new NotFoundError('Leaderboard', id);
    const board = new Leaderboard();
    const { driver } = manager.connection;
    for (const column of manager.connection.getMetadata(Leaderboard).columns) {
      (board as unknown as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(row[`board.${column.propertyName}`], column);
    }
    const run = row as {
      run_categories: { code: string; multiplier: number; ordinal: number }[]; run_listed: number[]; run_non_droppable: number[];
      run_scale: Partial<PointsScale> | null; run_codes: RegisteredCodes;
    };
    if (!run.run_scale) throw new NotFoundError('Points scale', board.pointsScaleId);
    return {
      def: {
        board,
        categories: run.run_categories.map((c) => Object.assign(new LeaderboardCategory(), { leaderboardId: id, ...c })),
        listedEventIds: run.run_listed,
        nonDroppableEventIds: run.run_non_droppable,
      },
      scale: Object.assign(new PointsScale(), run.run_scale),
      registeredCodes: run.run_codes,
    };
  }

  async definitions(manager: EntityManager, boards: Leaderboard[]): Promise<BoardDefinition[]> {
    const ids = boards.map((b) => b.id);
    const categories = await manager
      .getRepository(LeaderboardCategory)
      .createQueryBuilder('c')
      .where('c.leaderboard_id = ANY(:ids)', { ids })
      .orderBy('c.ordinal')
      .getMany();
    const events = await manager
      .getRepository(LeaderboardEvent)
      .createQueryBuilder('e')
      .where('e.leaderboard_id = ANY(:ids)', { ids })
      .orderBy('e.event_id')
      .getMany();
    return boards.map((board) => ({
      board,
      categories: categories.filter((c) => c.leaderboardId === board.id),
      listedEventIds: events.filter((e) => e.leaderboardId === board.id && e.listed).map((e) => e.eventId),
      nonDroppableEventIds: events.filter((e) => e.leaderboardId === board.id && e.nonDroppable).map((e) => e.eventId),
    }));
  }

  /**
   * The ids of the series' active boards, in id order, in one statement; null when there is no
   * such series. For recalculate-all, which needs no more of each board than this: hydrating
   * 1,000 Leaderboard entities in a transaction of its own cost it several milliseconds and two
   * round trips (BENCHMARKS.md, issue 16, target 2, round four).
   */
  async activeIdsOfSeries(manager: EntityManager, seriesId: number): Promise<number[] | null> {
    const [row]: { ids: number[] | null }[] = await manager.query(
      `SELECT (SELECT array_agg(l.id ORDER BY l.id) FILTER (WHERE l.active) FROM leaderboard l WHERE l.series_id = s.id) AS ids
         FROM series s WHERE s.id = $1`,
      [seriesId],
    );
    return row === undefined ? null : (row.ids ?? []);
  }

  async listBySeries(manager: EntityManager, seriesId: number): Promise<Leaderboard[]> {
    return manager.getRepository(Leaderboard).find({ where: { seriesId }, order: { id: 'ASC' } });
  }

  async replaceCategories(manager: EntityManager, leaderboardId: number, categories: { code: string; multiplier: number }[]): Promise<void> {
    await manager.query('DELETE FROM leaderboard_category WHERE leaderboard_id = $1', [leaderboardId]);
    await manager.query(
      `INSERT INTO leaderboard_category (leaderboard_id, code, multiplier, ordinal)
       SELECT $1, code, m, ord FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY AS c(code, m, ord)`,
      [leaderboardId, categories.map((c) => c.code), categories.map((c) => c.multiplier)],
    );
  }

  async replaceEvents(manager: EntityManager, leaderboardId: number, listed: number[], nonDroppable: number[]): Promise<void> {
    await manager.query('DELETE FROM leaderboard_event WHERE leaderboard_id = $1', [leaderboardId]);
    const ids = [...new Set([...listed, ...nonDroppable])];
    await manager.query(
      `INSERT INTO leaderboard_event (leaderboard_id, event_id, listed, non_droppable)
       SELECT $1, id, id = ANY($3::int[]), id = ANY($4::int[]) FROM unnest($2::int[]) AS id`,
      [leaderboardId, ids, listed, nonDroppable],
    );
  }

  /** Event ids among these that are not events of the series. */
  async foreignEventIds(manager: EntityManager, seriesId: number, eventIds: number[]): Promise<number[]> {
    if (eventIds.length === 0) return [];
    const rows: { id: number }[] = await manager.query(
      `SELECT x.eid AS id FROM unnest($1::int[]) AS x(eid)
        WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.id = x.eid AND e.series_id = $2)`,
      [eventIds, seriesId],
    );
    return rows.map((r) => r.id);
  }

  /** Each board's live standings set (the one not REPLACED), by board id; a board without one is absent. */
  async currentStandings(manager: EntityManager, leaderboardIds: number[]): Promise<Map<number, ResultSet>> {
    if (leaderboardIds.length === 0) return new Map();
    const sets = await manager
      .getRepository(ResultSet)
      .createQueryBuilder('s')
      .where(LIVE_STANDINGS_SET('s', 'ANY(:ids)'), { ids: leaderboardIds })
      .getMany();
    return new Map(sets.map((set) => [set.leaderboardId!, set]));
  }

  /**
   * Which of these DRAFT revisions replaced a published set (the public keeps seeing that one),
   * by the revision's id.
   */
  async replacingPublished(manager: EntityManager, sets: ResultSet[]): Promise<Set<number>> {
    const revisions = sets.filter((set) => set.replacesId !== null);
    if (revisions.length === 0) return new Set();
    const rows: { id: number }[] = await manager.query(
      `SELECT id FROM result_set s WHERE s.id = ANY($1::int[]) AND ${PUBLISHED_PREDECESSOR('s')}`,
      [revisions.map((set) => set.replacesId)],
    );
    const published = new Set(rows.map((row) => row.id));
    return new Set(revisions.filter((set) => published.has(set.replacesId!)).map((set) => set.id));
  }

  /** Each board's latest run, by board id (one probe of recalc_run_board_idx per board). */
  async lastRuns(manager: EntityManager, leaderboardIds: number[]): Promise<Map<number, RecalcRun>> {
    if (leaderboardIds.length === 0) return new Map();
    const runs = await manager
      .getRepository(RecalcRun)
      .createQueryBuilder('r')
      .where(`r.id IN (SELECT (SELECT l.id FROM recalc_run l WHERE l.leaderboard_id = b ORDER BY l.id DESC LIMIT 1) FROM unnest(CAST(:ids AS int[])) AS b)`, { ids: leaderboardIds })
      .getMany();
    return new Map(runs.map((run) => [run.leaderboardId, run]));
  }
}
