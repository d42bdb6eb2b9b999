import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PendingRecalcRepository } from '../pending-recalc/pending-recalc.repository';

export interface BacklogSnapshot {
  boardsPending: number;
  oldestPendingAgeSeconds: number;
  failureEpisodesOpen: number;
}

/** Scrape-time figures from the database, each read through a partial index (never a table scan). */
@Injectable()
export class MetricsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pending: PendingRecalcRepository,
  ) {}

  async backlog(): Promise<BacklogSnapshot> {
    const { manager } = this.dataSource;
    // failure_episode_open_uq covers closed_at IS NULL.
    const [[row], pending] = await Promise.all([
      manager.query('SELECT count(*)::int AS open FROM failure_episode WHERE closed_at IS NULL') as Promise<{ open: number }[]>,
      this.pending.backlog(manager),
    ]);
    return { ...pending, failureEpisodesOpen: row.open };
  }
}
