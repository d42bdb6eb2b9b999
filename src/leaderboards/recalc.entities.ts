import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const RUN_TRIGGERS = ['AUTO', 'MANUAL', 'SWEEP', 'RETRY'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One recalculation of one board, from queueing to its end. */
@Entity('recalc_run')
export class RecalcRun {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'leaderboard_id' })
  leaderboardId: number;

  @Column('text', { name: 'job_id' })
  jobId: string;

  @Column('text')
  trigger: RunTrigger;

  @Column('text')
  status: RunStatus;

  @Column('timestamptz', { name: 'queued_at' })
  queuedAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('bigint', { name: 'results_version', nullable: true })
  resultsVersion: string | null;

  @Column('integer', { name: 'rows_inserted', nullable: true })
  rowsInserted: number | null;

  @Column('integer', { name: 'rows_updated', nullable: true })
  rowsUpdated: number | null;

  @Column('integer', { name: 'rows_deleted', nullable: true })
  rowsDeleted: number | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('jsonb', { nullable: true })
  summary: unknown;

  /** The job of the run that served this one when its own job did not run (see RunsRepository.closeServed). */
  @Column('text', { name: 'served_by', nullable: true })
  servedBy: string | null;
}
