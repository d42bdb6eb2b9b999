import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StandingsEntryView } from './standings.dto';
import { StandingsHead, StandingsRowsRepository } from './standings-rows.repository';

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

  /** The board's live standings set (the one not REPLACED). */
  head(leaderboardId: number): Promise<StandingsHead | null> {
    return this.rows.head(this.dataSource, leaderboardId);
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

  byKey(resultSetId: number, key: string): Promise<StandingsEntryView | null> {
    return this.rows.byKey(this.dataSource, resultSetId, key);
  }
}
