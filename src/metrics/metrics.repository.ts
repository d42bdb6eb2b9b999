import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface BacklogSnapshot {
  boardsPending: number;
  oldestPendingAgeSeconds: number;
  failureEpisodesOpen: number;
}

/** Scrape-time figures from the database, each read through a partial index (never a table scan). */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async backlog(): Promise<BacklogSnapshot> {
    // recalc_outbox_pending_idx covers first_pending_at IS NOT NULL; failure_episode_open_uq covers closed_at IS NULL.
    const [row]: { pending: number; oldest: number | null; open: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS pending,
              extract(epoch FROM now() - min(first_pending_at))::float8 AS oldest,
              (SELECT count(*)::int FROM failure_episode WHERE closed_at IS NULL) AS open
         FROM recalc_outbox
        WHERE first_pending_at IS NOT NULL AND results_version <> standings_version`,
    );
    return { boardsPending: row.pending, oldestPendingAgeSeconds: Math.max(0, row.oldest ?? 0), failureEpisodesOpen: row.open };
  }
}
