import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PUBLIC_STATES_SQL, ResultSetState, stateFromCode, stateSql } from '../../common/result-set-state';
import { StandingsEntryView } from './standings.dto';

export interface StandingsHead {
  resultSetId: number;
  state: ResultSetState;
  stateBeforeFailure: ResultSetState | null;
  replacesId: number | null;
  replacedFrom: ResultSetState | null;
  computedAt: Date | null;
  version: number;
  total: number;
}

interface EntryRow {
  position: number | null;
  points: number;
  seq: number;
  group_key: string;
  name: string;
  group_name: string | null;
  category: string | null;
  breakdown: unknown;
}

/** Read side of standings: served straight from the indexed rows, ordered by seq. */
@Injectable()
export class StandingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The board's live standings set (the one not REPLACED). */
  async head(leaderboardId: number): Promise<StandingsHead | null> {
    return this.headWhere(`s.leaderboard_id = $1 AND s.state <> ${stateSql('REPLACED')}`, leaderboardId);
  }

  /**
   * The set a live DRAFT revision replaced, when it was published (PROVISIONAL or APPROVED)
   * then: the public keeps seeing it until the revision is published.
   */
  async publishedPredecessor(resultSetId: number): Promise<StandingsHead | null> {
    return this.headWhere(`s.id = $1 AND s.state = ${stateSql('REPLACED')} AND s.replaced_from IN ${PUBLIC_STATES_SQL}`, resultSetId);
  }

  private async headWhere(where: string, param: number): Promise<StandingsHead | null> {
    const rows: { id: number; state: string; state_before_failure: string | null; replaces_id: number | null; replaced_from: string | null; computed_at: Date | null; version: string; total: number }[] =
      await this.dataSource.query(
        `SELECT s.id, s.state, s.state_before_failure, s.replaces_id, s.replaced_from, s.computed_at,
                (extract(epoch FROM s.updated_at) * 1000000)::bigint AS version,
                (SELECT count(*)::int FROM race_result r WHERE r.result_set_id = s.id AND r.group_key IS NOT NULL) AS total
           FROM result_set s WHERE ${where}`,
        [param],
      );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      resultSetId: row.id,
      state: stateFromCode(row.state),
      stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null,
      replacesId: row.replaces_id,
      replacedFrom: row.replaced_from ? stateFromCode(row.replaced_from) : null,
      computedAt: row.computed_at,
      version: Number(row.version),
      total: row.total,
    };
  }

  async page(resultSetId: number, offset: number, limit: number): Promise<StandingsEntryView[]> {
    const rows: EntryRow[] = await this.dataSource.query(
      `SELECT position, points, seq, group_key, name, group_name, category, breakdown FROM race_result
        WHERE result_set_id = $1 AND group_key IS NOT NULL ORDER BY seq OFFSET $2 LIMIT $3`,
      [resultSetId, offset, limit],
    );
    return rows.map(toEntry);
  }

  /** A page of the entries whose name contains `q` (case-insensitive, taken literally), and how many match. */
  async search(resultSetId: number, q: string, offset: number, limit: number): Promise<{ entries: StandingsEntryView[]; total: number }> {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: (EntryRow & { total: number })[] = await this.dataSource.query(
      `SELECT position, points, seq, group_key, name, group_name, category, breakdown, count(*) OVER ()::int AS total FROM race_result
        WHERE result_set_id = $1 AND group_key IS NOT NULL AND name ILIKE $2 ORDER BY seq OFFSET $3 LIMIT $4`,
      [resultSetId, pattern, offset, limit],
    );
    if (rows.length === 0 && offset > 0) {
      const [{ n }]: { n: number }[] = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1 AND group_key IS NOT NULL AND name ILIKE $2`,
        [resultSetId, pattern],
      );
      return { entries: [], total: n };
    }
    return { entries: rows.map(toEntry), total: rows[0]?.total ?? 0 };
  }

  /** Which of these positions more than one entry shares (shown as "=3"). */
  async tiedPositions(resultSetId: number, positions: number[]): Promise<Set<number>> {
    if (positions.length === 0) return new Set();
    const rows: { position: number }[] = await this.dataSource.query(
      `SELECT position FROM race_result WHERE result_set_id = $1 AND group_key IS NOT NULL AND position = ANY($2::int[])
        GROUP BY position HAVING count(*) > 1`,
      [resultSetId, positions],
    );
    return new Set(rows.map((r) => r.position));
  }

  async byKey(resultSetId: number, key: string): Promise<StandingsEntryView | null> {
    const rows: EntryRow[] = await this.dataSource.query(
      `SELECT position, points, seq, group_key, name, group_name, category, breakdown FROM race_result
        WHERE result_set_id = $1 AND group_key = $2`,
      [resultSetId, key],
    );
    return rows.length ? toEntry(rows[0]) : null;
  }
}

function toEntry(row: EntryRow): StandingsEntryView {
  return {
    position: row.position,
    points: row.points,
    seq: row.seq,
    key: row.group_key,
    name: row.name,
    group: row.group_name,
    category: row.category,
    breakdown: row.breakdown,
  };
}
