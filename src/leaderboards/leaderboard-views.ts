import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RESULT_SET_STATES, ResultSetState } from '../common/result-set-state';
import { CategoryDto, LeaderboardOptionsDto } from './leaderboards.dto';
import { LEADERBOARD_TYPES, LeaderboardType } from './leaderboard.entity';
import { RUN_STATUSES, RUN_TRIGGERS, RunStatus, RunTrigger } from './recalc.entities';

export class StandingsSummaryView {
  @ApiProperty() resultSetId: number;
  @ApiProperty({ enum: RESULT_SET_STATES }) state: ResultSetState;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) computedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last recalculation failed (state FAILED)' }) errorMessage: string | null;
  @ApiPropertyOptional({ description: 'Admins only, present and true while this DRAFT is a revision of published standings (the public sees the published set)' })
  revisionPending?: boolean;
}

export class PendingView {
  @ApiProperty({ description: 'When the oldest change not yet in the standings was committed', format: 'date-time' }) since: string;
  @ApiProperty({ description: 'The latest such change', format: 'date-time' }) lastChangeAt: string;
  @ApiProperty({ description: 'When the debounced recalculation is due: quiet period after the last change, capped by the max wait', format: 'date-time' }) dueAt: string;
}

export class RunPhasesView {
  @ApiProperty({ description: 'Waiting in the queue, from the request (or the end of the quiet period) to a worker taking the job', example: 12 }) queueMs: number;
  @ApiProperty({ description: "Waiting for the board's lock (another run of the same board)", example: 0 }) lockMs: number;
  @ApiProperty({ description: 'Reading the board, its results and names', example: 4 }) loadMs: number;
  @ApiProperty({ description: 'Scoring and ranking', example: 2 }) computeMs: number;
  @ApiProperty({ description: 'Writing the changed standings rows', example: 3 }) writeMs: number;
}

export class RunView {
  @ApiProperty({ description: 'Job id; GET /api/recalculations/:jobId' }) jobId: string;
  @ApiProperty() leaderboardId: number;
  @ApiProperty({
    enum: RUN_STATUSES,
    description:
      'queued (waiting for a worker, or for a retry), running, completed or failed. A job whose own run did not happen ends ' +
      'with the outcome of the run that served it (see servedBy).',
  })
  status: RunStatus;
  @ApiProperty({ enum: RUN_TRIGGERS, description: 'AUTO (a result change), MANUAL (API), SWEEP (recovered by the sweeper), RETRY (a retry link)' }) trigger: RunTrigger;
  @ApiProperty({ format: 'date-time' }) queuedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ nullable: true, description: 'Standings rows inserted, updated and deleted', example: { inserted: 3, updated: 1, deleted: 0 } })
  rows: { inserted: number; updated: number; deleted: number } | null;
  @ApiProperty({ type: RunPhasesView, nullable: true, description: 'Where a completed run spent its time, in milliseconds; null until it completes (and for runs recorded before phases were kept)' })
  phases: RunPhasesView | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Set when this job ended without running itself: the job id of the run of the same board that served it. That run ' +
      'started after this job was requested, so it read every change committed before the request (BullMQ keeps one ' +
      'follow-up per board, so a later change can take the place of a promised run). null when the job ran itself.',
  })
  servedBy: string | null;
}

export class LeaderboardView extends LeaderboardOptionsDto {
  @ApiProperty() id: number;
  @ApiProperty() seriesId: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: LEADERBOARD_TYPES }) type: LeaderboardType;
  @ApiProperty() pointsScaleId: number;
  @ApiProperty({ type: [CategoryDto] }) categories: CategoryDto[];
  @ApiProperty({ type: StandingsSummaryView, nullable: true, description: 'The current standings set; null before the first run' }) standings: StandingsSummaryView | null;
  @ApiProperty({ type: PendingView, nullable: true, description: 'A recalculation waiting for its quiet period; null when up to date' }) pending: PendingView | null;
  @ApiProperty({ type: RunView, nullable: true }) lastRun: RunView | null;
}
