import { Injectable, Logger } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { EntityManager } from 'typeorm';
import { computeStandingsTable, EventInput, PointsScaleConfig, StandingsTable } from '../../calculators';
import { addAdvisoryXactLock, BOARD_LOCK_NAMESPACE } from '../../common/database/advisory-locks';
import { OneStatement } from '../../common/database/one-statement';
import { rawClient } from '../../common/database/raw-client';
import { PipelinedUnitOfWork, PrefaceFailed, TransactionRunner } from '../../common/database/transaction-runner';
import { RecalculationFailedEvent, RecalculationRecoveredEvent, StandingsChangedEvent } from '../../common/events/catalogue';
import { PodiumMetrics } from '../../metrics/podium-metrics';
import { FailureEpisodesRepository } from '../../notifications/failure-episodes.repository';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { toLeaderboardConfig, toPointsScaleConfig } from '../board-config';
import { BoardDefinition, LeaderboardsRepository } from '../leaderboards.repository';
import { RUN_TRIGGERS, RunTrigger } from '../recalc.entities';
import { describeFailure, isTransient } from './failure-kind';
import { addQuietCommit, RunsRepository } from './runs.repository';
import { Prefetched, RaceSet, StandingsInputsRepository } from './standings-inputs.repository';
import type { RowCountsSql } from '../standings/standings-rows.repository';
import { PlannedWrite, StandingsWriterRepository, WriteOutcome } from './standings-writer.repository';

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
  /** `waitedForDisk`: false when the run committed quietly (addQuietCommit). */
  | { kind: 'completed'; write: WriteOutcome | null; resultsVersion: number; waitedForDisk: boolean }
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
 * What compute() did, before the closing statement is sent; timings are null for a skipped
 * (inactive) board; `packsToCache` the race sets whose packs the closing pipeline caches.
 */
type ComputedRun = { write: PlannedWrite | null; resultsVersion: number; timings: RunTimings | null; packsToCache: number[] };

/** At most this many race sets without a cached pack are packed by the run itself, and cached in its closing pipeline (missingPacks). */
const PACKED_IN_RUN = 2;

/** A run that writes no standings row (an inactive board). */
const NO_ROWS: RowCountsSql = { inserted: '0', updated: '0', deleted: '0' };

interface RunTimings {
  queueMs: number;
  lockMs: number;
  loadMs: number;
  computeMs: number;
  writeMs: number;
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
    // A board this worker has not run yet (its first run, or the worker's first since it
    // started) is likely to have many packs missing: they are cached before the run, as before
    // round four, so its opening read lists them with their sizes and digests (the COPY then
    // batches by size, and reads them cached instead of waiting for the caching mid-run).
    if (!this.inputs.ranBefore(leaderboardId)) await this.inputs.cachePacks(leaderboardId);
    try {
      return await this.tx.runPipelined(async (uow) => {
        const closing = new OneStatement();
        const computed = await this.compute(uow, request, clock, closing);
        return this.close(uow, leaderboardId, computed, closing);
      });
    } catch (err) {
      // The "running" mark was not committed: the job fails as a whole (BullMQ retries it), as
      // when the mark was a statement of its own.
      if (err instanceof PrefaceFailed) throw err.error;
      return this.handleFailure(request, err);
    }
  }

  /**
   * Sends the closing statement (the row changes, the set's computed mark, the outbox version,
   * the run's completion, the failure episode's close), then queues what to announce.
   */
  private async close(uow: PipelinedUnitOfWork, leaderboardId: number, computed: ComputedRun, closing: OneStatement): Promise<RunOutcome> {
    const recovering = this.episodes.addRecovery(closing, leaderboardId);
    // An inactive board's run (no write) is as quiet as one that changed nothing.
    if (computed.write === null || computed.write.quiet) addQuietCommit(closing, recovering);
    for (const [kind, sql] of Object.entries(computed.write?.rows ?? NO_ROWS)) closing.select(`rows_${kind}`, sql);
    const sent = performance.now();
    // Pipelined COMMIT: the closing statement, the caching of an edited race's pack (packs
    // cached in the closing pipeline, missingPacks) and COMMIT in one round trip.
    const packs = computed.packsToCache.length > 0 ? [this.inputs.cacheStatement(computed.packsToCache)] : [];
    const [[row]] = await uow.commit([closing.piped(), ...packs]);
    const closed = row as { recovered: number | null; rows_inserted: string; rows_updated: string; rows_deleted: string; synchronous_commit?: string };
    const { recovered } = closed;
    computed.write?.closed(closed);
    // The run record's writeMs cannot hold the closing statement's time (that statement writes
    // it); the metric's write phase does: for an edit, that statement is the whole write.
    if (computed.timings) this.metrics.runPhases({ ...computed.timings, writeMs: computed.timings.writeMs + Math.round(performance.now() - sent) });
    if (recovered !== null) uow.publishAfterCommit(new RecalculationRecoveredEvent(leaderboardId, recovered));
    const planned = computed.write;
    const write: WriteOutcome | null = planned && {
      resultSetId: planned.resultSetId,
      state: planned.state,
      replacedId: planned.replacedId,
      inserted: Number(closed.rows_inserted),
      updated: Number(closed.rows_updated),
      deleted: Number(closed.rows_deleted),
    };
    // Open standings pages reload their table; a run that changed no row has nothing to show.
    if (write && (write.inserted + write.updated + write.deleted > 0 || recovered !== null)) {
      uow.publishAfterCommit(new StandingsChangedEvent(leaderboardId, write.resultSetId));
    }
    return { kind: 'completed', write, resultsVersion: computed.resultsVersion, waitedForDisk: closed.synchronous_commit !== 'off' };
  }

  /**
   * Locks the board, reads, computes and writes the rows; the run's closing writes (the set's
   * computed mark, the outbox version, the run's completion, the failure episode's close) are
   * added to `closing`, which the caller sends as one statement.
   */
  private async compute(uow: PipelinedUnitOfWork, request: RunRequest, clock: RunClock, closing: OneStatement): Promise<ComputedRun> {
    const { leaderboardId, jobId } = request;
    const { manager } = uow;
    // The lock is a statement of its own, before the one that reads: under READ COMMITTED each
    // statement reads its own snapshot, and the read must be taken once the lock is held. The
    // run's "locked" mark goes with it (it reads nothing the lock protects).
    const locking = new OneStatement();
    addAdvisoryXactLock(locking, 'board_lock', BOARD_LOCK_NAMESPACE, leaderboardId);
    this.runs.addLocked(locking, jobId, 'board_lock');
    // Pipelined BEGIN: the "running" mark (committed on its own, so it is visible while the run
    // works; without waiting for the disk: MARK_COMMITS_ASYNC), BEGIN, the lock with the "locked" mark, and the opening read go out as one
    // pipeline (common/database/pipeline.ts): one round trip for what took four (the mark,
    // START TRANSACTION, the lock, the read). PostgreSQL still runs them one after the other:
    // the read is bound, and takes its snapshot, once the lock's statement has ended.
    const opening = this.openingRead(manager, request);
    const [, [row]] = await uow.begin(
      this.runs.startStatements(jobId, leaderboardId, request.trigger, request.queuedAt, request.attempt),
      [locking.piped('board_lock'), opening.statement],
    );
    const lockMs = Math.round(performance.now() - clock.startedAt);
    const { resultsVersion, def, scale, registeredCodes, events, sets, prefetched, live } = opening.of(row);
    if (!def.board.active) {
      this.pending.addMarkComputed(closing, leaderboardId, resultsVersion);
      this.runs.addComplete(closing, jobId, NO_ROWS, resultsVersion, { skipped: 'inactive board' });
      return { write: null, resultsVersion, timings: null, packsToCache: [] };
    }
    const packsToCache = await this.missingPacks(leaderboardId, sets);
    const started = performance.now();
    const { standings, loaded } = await this.loadAndCompute(manager, def, toPointsScaleConfig(scale, registeredCodes), events, sets, prefetched);
    const computed = performance.now();
    const write = await this.writer.write(manager, leaderboardId, live, def.board.initialState, standings, closing);
    const timings = { queueMs: clock.queueMs, lockMs, loadMs: Math.round(loaded - started), computeMs: Math.round(computed - loaded), writeMs: Math.round(performance.now() - computed) };
    this.pending.addMarkComputed(closing, leaderboardId, resultsVersion);
    this.runs.addComplete(closing, jobId, write.rows, resultsVersion, { ...standings.summary, timings });
    return { write, resultsVersion, timings, packsToCache };
  }

  /**
   * One opening read, sent once the lock is held: the board's results version, its definition,
   * scale and the registered status codes, the series' events and the board's race sets (with
   * their packs' digests, for RacePackMemo), and the lock on its live standings set (with its
   * fingerprints' token, for FingerprintMemo), in one statement (they were four). The version is read in the same snapshot as the
   * inputs: any change committed later has a higher version and leaves the board pending.
   */
  private openingRead(manager: EntityManager, request: RunRequest) {
    const opening = new OneStatement();
    this.pending.addResultsVersion(opening, 'l.id');
    this.boards.addRunDefinition(manager, opening, 'l');
    this.inputs.addEventsAndSets(opening, 'l');
    this.writer.addLockLive(opening, request.leaderboardId);
    const prefetch = this.inputs.addPrefetch(opening, request.leaderboardId);
    const statement = opening.piped(`leaderboard l WHERE l.id = ${opening.param(request.leaderboardId)}`);
    const of = (answer: QueryResultRow | undefined) => {
      const row = answer as Record<string, unknown> & { results_version: string; events: EventInput[]; sets: RaceSet[] } | undefined;
      const { def, scale, registeredCodes } = this.boards.runDefinitionOf(manager, request.leaderboardId, row);
      return { def, scale, registeredCodes, resultsVersion: Number(row!.results_version), events: row!.events, sets: row!.sets, prefetched: prefetch(row!), live: this.writer.liveOf(row!) };
    };
    return { statement, of };
  }

  /**
   * Pack caching off the run's path: the packs (RacePacksRepository.cacheMissing) are cached
   * only when the opening read lists a race set without one. They were cached before every
   * run, awaited: a statement in every repeated run (where nothing is missing), and after an
   * edit a repack of the edited race and its commit (3–5 ms at load 6) before the run could
   * begin. Many (a first run, an import) are cached on a pooled connection of their own and
   * awaited before the COPY, so it reads them cached instead of packing them a second time.
   * A few (an edit's race) are packed by the run from the rows in its own read, as it does for
   * a set a writer holds (and kept under their bytes' SHA-256, the digest the cache will have),
   * and returned: **packs cached in the closing pipeline** (RacePacksRepository.cacheStatement),
   * a statement sent between the closing statement and COMMIT, packing them again in SQL from
   * the rows that statement sees. They were cached beside the run on another connection, a
   * third round trip and a second commit the job awaited, competing with the run's own
   * statements for two cores (small board: 2.7 ms after the run's COMMIT was sent).
   */
  private async missingPacks(leaderboardId: number, sets: RaceSet[]): Promise<number[]> {
    const missing: number[] = [];
    for (const set of sets) if (set.digest === null) missing.push(set.id);
    if (missing.length <= PACKED_IN_RUN) return missing;
    // A failure is logged, never the run's: the COPY then packs them from the rows.
    await this.inputs.cachePacks(leaderboardId);
    return [];
  }

  /**
   * Loads the inputs and computes the standings. The inputs live only in this call, so their
   * memory can be reclaimed while the standings are written.
   */
  private async loadAndCompute(manager: EntityManager, def: BoardDefinition, scale: PointsScaleConfig, events: EventInput[], sets: RaceSet[], prefetched: Prefetched | undefined): Promise<{ standings: StandingsTable; loaded: number }> {
    const client = await rawClient(manager);
    const inputs = await this.inputs.load(client, sets, prefetched);
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
