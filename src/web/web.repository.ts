import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LeaderboardType } from '../calculators/types';
import { countedEventsSql } from '../leaderboards/standings/counted-events';

export interface SeriesRow {
  id: number;
  name: string;
  season: string | null;
  timeZone: string;
  labels: { custom1: string | null; custom2: string | null; custom3: string | null };
}

export interface EventRow {
  id: number;
  name: string;
  date: string;
  starred: boolean;
  pointsMultiplier: number;
}

export interface BoardRow {
  id: number;
  seriesId: number;
  name: string;
  type: LeaderboardType;
  groupBy: string[];
  minEvents: number | null;
  active: boolean;
}

/** Read-only SQL of the public pages: plain rows, no entity hydration. */
/** A leaderboard row as the pages read it (BoardRow). */
const BOARD_COLUMNS = `id, series_id AS "seriesId", name, type, group_by AS "groupBy", min_events AS "minEvents", active`;

@Injectable()
export class WebRepository {
  constructor(private readonly dataSource: DataSource) {}

  async allSeries(): Promise<(SeriesRow & { latestEvent: EventRow | null })[]> {
    const rows: RawSeries[] = await this.dataSource.query(
      `SELECT s.*, e.id AS e_id, e.name AS e_name, e.date::text AS e_date, e.starred AS e_starred, e.points_multiplier AS e_mult
         FROM series s
         LEFT JOIN LATERAL (SELECT * FROM event WHERE series_id = s.id AND date <= current_date ORDER BY date DESC, id DESC LIMIT 1) e ON true
        ORDER BY s.id DESC LIMIT 200`,
    );
    return rows.map((r) => ({ ...toSeries(r), latestEvent: r.e_id == null ? null : { id: r.e_id, name: r.e_name!, date: r.e_date!, starred: r.e_starred!, pointsMultiplier: r.e_mult! } }));
  }

  async series(id: number): Promise<SeriesRow | null> {
    return (await this.seriesByIds([id])).get(id) ?? null;
  }

  /** These series, by id, in one statement. */
  async seriesByIds(ids: number[]): Promise<Map<number, SeriesRow>> {
    if (ids.length === 0) return new Map();
    const rows: RawSeries[] = await this.dataSource.query('SELECT * FROM series WHERE id = ANY($1::int[])', [ids]);
    return new Map(rows.map((row) => [row.id, toSeries(row)]));
  }

  async events(seriesId: number): Promise<EventRow[]> {
    return this.dataSource.query(
      `SELECT id, name, date::text AS date, starred, points_multiplier AS "pointsMultiplier" FROM event WHERE series_id = $1 ORDER BY date, id`,
      [seriesId],
    );
  }

  async board(id: number): Promise<BoardRow | null> {
    const rows: BoardRow[] = await this.dataSource.query(
      `SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The boards of these series, by id, in one statement. */
  async boardsOf(seriesIds: number[]): Promise<BoardRow[]> {
    if (seriesIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE series_id = ANY($1::int[]) ORDER BY id`,
      [seriesIds],
    );
  }

  /**
   * The columns of a standings table: the board's events (by its scope) that have published
   * results in one of its categories, in date order.
   */
  async countedEvents(leaderboardId: number): Promise<EventRow[]> {
    return this.dataSource.query(
      countedEventsSql(`e.id, e.name, e.date::text AS date, e.starred, e.points_multiplier AS "pointsMultiplier"`),
      [leaderboardId],
    );
  }

  async riderName(participantId: number): Promise<string | null> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT first_name || ' ' || last_name AS name FROM participant WHERE id = $1`,
      [participantId],
    );
    return rows[0]?.name ?? null;
  }

  /** Boards that have (or had) standings rows for the rider, by id; which of them may be shown is the standings service's call. */
  async riderBoards(participantId: number): Promise<BoardRow[]> {
    return this.dataSource.query(
      `SELECT ${BOARD_COLUMNS} FROM leaderboard
        WHERE id IN (SELECT s.leaderboard_id FROM race_result r JOIN result_set s ON s.id = r.result_set_id
                        WHERE r.participant_id = $1 AND r.group_key IS NOT NULL AND s.leaderboard_id IS NOT NULL)
        ORDER BY id`,
      [participantId],
    );
  }
}

interface RawSeries {
  id: number;
  name: string;
  season: string | null;
  time_zone: string;
  custom1_label: string | null;
  custom2_label: string | null;
  custom3_label: string | null;
  e_id?: number | null;
  e_name?: string;
  e_date?: string;
  e_starred?: boolean;
  e_mult?: number;
}

function toSeries(r: RawSeries): SeriesRow {
  return { id: r.id, name: r.name, season: r.season, timeZone: r.time_zone, labels: { custom1: r.custom1_label, custom2: r.custom2_label, custom3: r.custom3_label } };
}
