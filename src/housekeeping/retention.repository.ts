import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Rows removed by one retention pass, by kind. */
export interface RetentionCounts {
  runs: number;
  notifications: number;
  episodes: number;
  retryTokens: number;
  audit: number;
}

export interface RetentionPolicy {
  runsDays: number;
  notificationsDays: number;
  retryTokensDays: number;
  /** 0 keeps the audit log whole (the default). */
  auditDays: number;
  batchSize: number;
}

/**
 * Each statement deletes one batch of ids picked by a subquery, outside any long transaction,
 * so a large backlog is removed in short steps that never hold many locks. $1 is the age in
 * days, $2 the batch size.
 */
const STATEMENTS = {
  // Finished runs only (never queued or running); each board keeps its latest run, shown as lastRun.
  runs: `DELETE FROM recalc_run WHERE id IN (
           SELECT r.id FROM recalc_run r
            WHERE r.status IN ('completed', 'failed')
              AND COALESCE(r.finished_at, r.queued_at) < now() - make_interval(days => $1)
              AND r.id <> (SELECT max(l.id) FROM recalc_run l WHERE l.leaderboard_id = r.leaderboard_id)
            LIMIT $2)`,
  // Old notifications of closed episodes; an open episode keeps all of its own.
  notifications: `DELETE FROM notification WHERE id IN (
           SELECT n.id FROM notification n JOIN failure_episode e ON e.id = n.episode_id
            WHERE e.closed_at IS NOT NULL AND n.created_at < now() - make_interval(days => $1)
            LIMIT $2)`,
  // Episodes closed long ago, with (cascading) what is left of their notifications and links.
  episodes: `DELETE FROM failure_episode WHERE id IN (
           SELECT id FROM failure_episode WHERE closed_at < now() - make_interval(days => $1) LIMIT $2)`,
  // Links used or expired long ago; a link that can still be used is never removed.
  retryTokens: `DELETE FROM retry_token WHERE id IN (
           SELECT id FROM retry_token
            WHERE used_at < now() - make_interval(days => $1) OR expires_at < now() - make_interval(days => $1)
            LIMIT $2)`,
  // Audit rows older than the retention, oldest first (the index on at finds them).
  audit: `DELETE FROM audit_log WHERE id IN (
           SELECT id FROM audit_log WHERE at < now() - make_interval(days => $1) ORDER BY at LIMIT $2)`,
} satisfies Record<keyof RetentionCounts, string>;

@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Deletes everything past its retention, batch by batch; a kind with 0 days is kept. */
  async purge(policy: RetentionPolicy): Promise<RetentionCounts> {
    const days: Record<keyof RetentionCounts, number> = {
      runs: policy.runsDays,
      notifications: policy.notificationsDays,
      episodes: policy.notificationsDays,
      retryTokens: policy.retryTokensDays,
      audit: policy.auditDays,
    };
    const counts: RetentionCounts = { runs: 0, notifications: 0, episodes: 0, retryTokens: 0, audit: 0 };
    for (const kind of Object.keys(STATEMENTS) as (keyof RetentionCounts)[]) {
      if (days[kind] === 0) continue;
      for (;;) {
        const deleted = await this.deleteBatch(STATEMENTS[kind], days[kind], policy.batchSize);
        counts[kind] += deleted;
        if (deleted < policy.batchSize) break;
      }
    }
    return counts;
  }

  private async deleteBatch(sql: string, days: number, batchSize: number): Promise<number> {
    // TypeORM hands a DELETE's result back as [rows, affected count].
    const [, affected]: [unknown, number] = await this.dataSource.query(sql, [days, batchSize]);
    return affected;
  }
}
