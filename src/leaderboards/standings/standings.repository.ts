import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StandingsEntryView } from './standings.dto';
import { ShownSet, StandingsHead, StandingsRowsRepository } from './standings-rows.repository';

export type { StandingsHead } from './standings-rows.repository';

/**
 * Read side of standings: served straight from the indexed rows, ordered by seq, on pooled
 * connections. The statements are StandingsRowsRepository's.
 */
@Injectable()
export class StandingsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rows: StandingsRowsRepository,
  ) {}

  async boardExists(leaderboardId: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM leaderboard WHERE id = $1', [leaderboardId]);
    return rows.length > 0;
  }

  /** The board's live standings set (the one not REPLACED). */
  head(leaderboardId: number): Promise<StandingsHead | null> {
    return this.rows.head(this.dataSource, leaderboardId);
  }

  /** Each board's live set and the published set it replaced, as far as who may see them, by board id (boards without standings are absent). */
  shownSets(leaderboardIds: number[]): Promise<Map<number, ShownSet>> {
    return this.rows.shownSets(this.dataSource, leaderboardIds);
  }

  /**
   * The set a live DRAFT revision replaced, when it was published (PROVISIONAL or APPROVED)
   * then: the public keeps seeing it until the revision is published.
   */
  publishedPredecessor(resultSetId: number): Promise<StandingsHead | null> {
    return this.rows.publishedPredecessor(this.dataSource, resultSetId);
  }

  page(resultSetId: number, offset: number, limit: number): Promise<StandingsEntryView[]> {
    return this.rows.page(this.dataSource, resultSetId, offset, limit);
  }

  /** A page of the entries whose name contains `q` (case-insensitive, taken literally), and how many match. */
  search(resultSetId: number, q: string, offset: number, limit: number): Promise<{ entries: StandingsEntryView[]; total: number }> {
    return this.rows.search(this.dataSource, resultSetId, q, offset, limit);
  }

  /** Which of these positions more than one entry of a category shares (shown as "=3"), as `tieKey`s. */
  tiedPositions(resultSetId: number, positions: number[]): Promise<Set<string>> {
    return this.rows.tiedPositions(this.dataSource, resultSetId, positions);
  }

  byKey(resultSetId: number, key: string): Promise<StandingsEntryView | null> {
    return this.rows.byKey(this.dataSource, resultSetId, key);
  }

  byKeyIn(resultSetIds: number[], key: string): Promise<Map<number, StandingsEntryView>> {
    return this.rows.byKeyIn(this.dataSource, resultSetIds, key);
  }
}
