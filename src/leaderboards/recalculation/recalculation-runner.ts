import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { computeStandingsTable, PointsScaleConfig, StandingsTable } from '../../calculators';
import { advisoryXactLock, BOARD_LOCK_NAMESPACE } from '../../common/database/advisory-locks';
import { rawClient } from '../../common/database/raw-client';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { RecalculationFailedEvent, RecalculationRecoveredEvent, StandingsChangedEvent } from '../../common/events/catalogue';
import { PodiumMetrics } from '../../metrics/podium-metrics';
import { FailureEpisodesRepository } from '../../notifications/failure-episodes.repository';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { toLeaderboardConfig, toPointsScaleConfig } from '../board-config';
import { BoardDefinition, LeaderboardsRepository } from '../leaderboards.repository';
import { RUN_TRIGGERS, RunTrigger } from '../recalc.entities';
import { describeFailure, isTransient } from './failure-kind';
import { RunsRepository } from './runs.repository';
import { StandingsInputsRepository } from './standings-inputs.repository';
import { StandingsWriterRepository, WriteOutcome } from './standings-writer.repository';

export interface RunRequest {
  jobId: string;
  leaderboardId: number;
  trigger: RunTrigger;
  queuedAt: Date;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
}

export type RunOutcome =
  | { kind: 'completed'; write: WriteOutcome | null; resultsVersion: number }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string };

/**
 * When a run started (performance.now()) and how long its job had waited in the queue: the
 * first two parts of the run's time split (queue wait, lock, load, compute, write).
 */
interface RunClock {
  startedAt: number;
  queueMs: number;
}

/**
 * One recalculation of one board: lock, load, compute, write, record — all in one transaction
 * under a per-board PostgreSQL advisory lock, so two workers never compute one board at once
 * and a failed run leaves the previous rows untouched.
 */
@Injectable()
export class RecalculationRunner {
  private readonly logger = new Logger(RecalculationRunner.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly boards: LeaderboardsRepository,
    private readonly dataSource: DataSource,
    private readonly inputs: StandingsInputsRepository,
    private readonly writer: StandingsWriterRepository,
    private readonly runs: RunsRepository,
    private readonly pending: PendingRecalcRepository,
    private readonly episodes: FailureEpisodesRepository,
    private readonly metrics: PodiumMetrics,
  ) {
    this.metrics.declareRunTriggers(RUN_TRIGGERS);
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const outcome = await this.runOnce(request);
    this.metrics.runFinished(request.trigger, outcome.kind);
    return outcome;
  }

  private async runOnce(request: RunRequest): Promise<RunOutcome> {
    const { jobId, leaderboardId, trigger, queuedAt, attempt } = request;
    const clock = { startedAt: performance.now(), queueMs: Math.max(0, Date.now() - queuedAt.getTime()) };
    // Lean run: the "running" mark is one statement, committed on its own (no transaction of its
    // own to open and close: two round trips fewer per run).
    await this.runs.start(this.dataSource.manager, jobId, leaderboardId, trigger, queuedAt, attempt);
    await this.inputs.cachePacks(leaderboardId);
    try {
      return await this.tx.run(async (uow) => {
        const outcome = await this.compute(uow.manager, request, clock);
        const recovered = await this.episodes.recordRecovery(uow.manager, leaderboardId);
        if (recovered !== null) uow.publishAfterCommit(new RecalculationRecoveredEvent(leaderboardId, recovered));
        // Open standings pages reload their table; a run that changed no row has nothing to show.
        const write = outcome.kind === 'completed' ? outcome.write : null;
        if (write && (write.inserted + write.updated + write.deleted > 0 || recovered !== null)) {
          uow.publishAfterCommit(new StandingsChangedEvent(leaderboardId, write.resultSetId));
        }
        return outcome;
      });
    } catch (err) {
      return this.handleFailure(request, err);
    }
  }

  private async compute(manager: EntityManager, request: RunRequest, clock: RunClock): Promise<RunOutcome> {
    const { leaderboardId, jobId } = request;
    await advisoryXactLock(manager, BOARD_LOCK_NAMESPACE, leaderboardId);
    const lockMs = Math.round(performance.now() - clock.startedAt);
    await this.runs.locked(manager, jobId);
    // Read the version before the inputs: any change committed later has a higher version
    // and leaves the board pending, so nothing is lost between the two reads.
    const resultsVersion = await this.pending.resultsVersion(manager, leaderboardId);
    // Lean run: the definition and the scale in one read (not cached: read in this transaction).
    const { def, scale, registeredCodes } = await this.boards.definitionForRun(manager, leaderboardId);
    if (!def.board.active) {
      await this.pending.markComputed(manager, leaderboardId, resultsVersion);
      await this.runs.complete(manager, jobId, { inserted: 0, updated: 0, deleted: 0 }, resultsVersion, { skipped: 'inactive board' });
      return { kind: 'completed', write: null, resultsVersion };
    }
    const started = performance.now();
    const { standings, loaded } = await this.loadAndCompute(manager, def, toPointsScaleConfig(scale, registeredCodes));
    const computed = performance.now();
    const write = await this.writer.write(manager, leaderboardId, def.board.initialState, standings);
    const timings = { queueMs: clock.queueMs, lockMs, loadMs: Math.round(loaded - started), computeMs: Math.round(computed - loaded), writeMs: Math.round(performance.now() - computed) };
    await this.pending.markComputed(manager, leaderboardId, resultsVersion);
    await this.runs.complete(manager, jobId, write, resultsVersion, { ...standings.summary, timings });
    this.metrics.runPhases(timings);
    return { kind: 'completed', write, resultsVersion };
  }

  /**
   * Loads the inputs and computes the standings. The inputs live only in this call, so their
   * memory can be reclaimed while the standings are written.
   */
  private async loadAndCompute(manager: EntityManager, def: BoardDefinition, scale: PointsScaleConfig): Promise<{ standings: StandingsTable; loaded: number }> {
    const client = await rawClient(manager);
    const { events, ...inputs } = await this.inputs.load(client, {
      seriesId: def.board.seriesId,
      leaderboardId: def.board.id,
      categories: def.categories.map((c) => c.code),
      eventScope: def.board.eventScope,
    });
    const loaded = performance.now();
    const standings = computeStandingsTable({ scale, board: toLeaderboardConfig(def), events, ...inputs });
    return { standings, loaded };
  }

  private async handleFailure(request: RunRequest, err: unknown): Promise<RunOutcome> {
    const { jobId, leaderboardId, attempt, maxAttempts } = request;
    const error = describeFailure(err);
    if (isTransient(err) && attempt < maxAttempts) {
      this.logger.warn({ err, leaderboardId, jobId, attempt }, 'Recalculation failed transiently; BullMQ will retry');
      await this.tx.run((uow) => this.runs.fail(uow.manager, jobId, error, false));
      return { kind: 'retry', error };
    }
    this.logger.error({ err, leaderboardId, jobId, attempt }, 'Recalculation failed');
    await this.tx.run(async (uow) => {
      const board = await this.boards.find(uow.manager, leaderboardId);
      const resultSetId = await this.writer.markFailed(uow.manager, leaderboardId, board.initialState, error);
      // The failure is the answer to this version: without a new change, re-running would fail the same way.
      await this.pending.markComputed(uow.manager, leaderboardId, await this.pending.resultsVersion(uow.manager, leaderboardId));
      const { episodeId, opened } = await this.episodes.recordFailure(uow.manager, leaderboardId, resultSetId, error);
      await this.runs.fail(uow.manager, jobId, error, true);
      if (opened) uow.publishAfterCommit(new RecalculationFailedEvent(leaderboardId, episodeId, error));
      // The pages now show the stale banner.
      uow.publishAfterCommit(new StandingsChangedEvent(leaderboardId, resultSetId));
    });
    return { kind: 'failed', error };
  }
}
