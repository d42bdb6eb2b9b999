import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueUnavailableError } from '../../common/errors/domain-errors';
import { RECALC_QUEUE } from '../../common/queue/queue-names';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { outageLog } from '../../redis/redis.module';
import { RunTrigger } from '../recalc.entities';
import { dedupIdOf, RECALC_ATTEMPTS, RECALC_BACKOFF_MS, RECALC_JOB, RecalcJobData } from './recalc-job';
import { RunsRepository } from './runs.repository';

export interface Enqueued {
  leaderboardId: number;
  jobId: string;
  status: 'queued';
  /** A run of this board was active: the new one runs right after it. */
  afterActiveRun: boolean;
  /** A job for this board was already waiting: the request joined it. */
  joinedExisting: boolean;
}

/**
 * The only producer of recalculation jobs. Debouncing, the max-wait cap and "one more run if
 * a change arrives mid-run" are BullMQ's own deduplication: `reschedule` moves a delayed job,
 * `replace` swaps it for a run-now job, `keepLastIfActive` keeps one follow-up for an active one.
 */
@Injectable()
export class RecalcQueue {
  constructor(
    @InjectQueue(RECALC_QUEUE) private readonly queue: Queue<RecalcJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly pending: PendingRecalcRepository,
    private readonly runs: RunsRepository,
  ) {
    // From construction on: the connection can fail before the app has finished starting.
    const outage = outageLog(new Logger(RecalcQueue.name), 'recalculation queue');
    this.queue.on('error', outage.down);
    this.onReconnect(outage.up);
  }

  /** Calls `listener` each time the queue's connection to Redis becomes ready (after an outage too). */
  onReconnect(listener: () => void): void {
    this.queue.getBackend().on('ready', listener);
  }

  /**
   * After a change: run each board once it has been quiet for RECALC_DEBOUNCE_MS, but no later
   * than RECALC_MAX_WAIT_MS after its oldest pending change.
   */
  async enqueueDebounced(leaderboardIds: number[], trigger: RunTrigger = 'AUTO'): Promise<Enqueued[]> {
    if (leaderboardIds.length === 0) return [];
    const delays = await this.debounceDelays(leaderboardIds);
    const enqueued: Enqueued[] = [];
    for (const id of leaderboardIds) enqueued.push(await this.add(id, trigger, delays.get(id) ?? this.config.recalcDebounceMs, 'reschedule'));
    return enqueued;
  }

  /**
   * Manual, sweep and retry runs: now (or after `delayMs`), or right after the board's active
   * run. The run is recorded as queued at once, so its status can be followed before a worker takes it.
   */
  async enqueueNow(leaderboardId: number, trigger: RunTrigger, delayMs = 0): Promise<Enqueued> {
    const enqueued = await this.add(leaderboardId, trigger, delayMs, 'replace');
    // Also when it joined a waiting job: a debounced job has no row until it starts, and the id
    // handed out must stay answerable (and be served by a sweep) if Redis loses that job.
    await this.runs.queued(this.dataSource.manager, enqueued.jobId, leaderboardId, trigger);
    return enqueued;
  }

  /**
   * enqueueNow for many boards at once (recalculate-all), as bulk adds: pipelined batches of
   * BullMQ's add scripts instead of an `add` (a round trip to Redis) per board, and one
   * statement for all the run rows. Each job keeps its board's deduplication, as enqueueNow's.
   * A batch has the Redis deadline to itself (REDIS_COMMAND_TIMEOUT_MS: a thousand adds in
   * one pipeline outlast it on a loaded machine).
   *
   * Run rows first: the rows are written before any job is added, so no worker can have
   * started one of them and the statement never waits on a run's transaction (written after
   * the adds, it had to skip the runs the workers had already started, and could wait for one
   * in progress; BENCHMARKS.md, issue 16, target 2, round four, for what it measured). If a batch
   * fails, the rows of its jobs and of the batches never sent are removed and the caller gets
   * the error, as before: the jobs already added keep their rows, and a job of the failed batch
   * that Redis took all the same runs without one until it starts (as a debounced job). A row
   * left behind (a crash between the rows and the adds, the removal failing) is the sweeper's,
   * as any open row without a live job: a run of its board serves it.
   */
  async enqueueNowMany(leaderboardIds: number[], trigger: RunTrigger): Promise<Enqueued[]> {
    const wanted = leaderboardIds.map((leaderboardId) => ({ leaderboardId, jobId: newJobId(leaderboardId) }));
    await this.runs.queuedMany(this.dataSource.manager, wanted, trigger);
    const enqueued: Enqueued[] = [];
    let sent = 0;
    try {
      for (; sent < wanted.length; sent += BULK_ADD_BATCH) {
        const batch = wanted.slice(sent, sent + BULK_ADD_BATCH);
        enqueued.push(...(await this.redis(() => this.addBatch(batch, trigger))));
      }
    } catch (err) {
      const notAdded = wanted.slice(sent).map((w) => w.jobId);
      await this.runs.forgetQueued(this.dataSource.manager, notAdded).catch(() => undefined);
      throw err;
    }
    // Folded into a job already waiting (rare): the id handed out is that job's, which is given
    // a row (a debounced job has none until it starts) in place of this request's.
    const joined = enqueued.filter((e, i) => e.jobId !== wanted[i].jobId);
    if (joined.length > 0) {
      await this.runs.queuedMany(this.dataSource.manager, joined.map((e) => ({ jobId: e.jobId, leaderboardId: e.leaderboardId })), trigger);
      await this.runs.forgetQueued(this.dataSource.manager, joined.map((e) => wanted[enqueued.indexOf(e)].jobId));
    }
    return enqueued;
  }

  private async addBatch(wanted: { leaderboardId: number; jobId: string }[], trigger: RunTrigger): Promise<Enqueued[]> {
    const jobs = await this.queue.addBulk(
      wanted.map(({ leaderboardId, jobId }) => ({ name: RECALC_JOB, data: { leaderboardId, trigger }, opts: this.jobOptions(leaderboardId, jobId, 0, 'replace') })),
    );
    const out: Enqueued[] = [];
    for (let i = 0; i < wanted.length; i++) out.push(await this.outcome(wanted[i].leaderboardId, wanted[i].jobId, jobs[i].id!));
    return out;
  }

  async getJob(jobId: string) {
    return this.redis(() => this.queue.getJob(jobId));
  }

  /** Whether a job for this board is delayed, waiting or running (the sweeper leaves those alone). */
  async hasLiveJob(leaderboardId: number): Promise<boolean> {
    return this.redis(async () => {
      const jobId = await this.queue.getDeduplicationJobId(dedupIdOf(leaderboardId));
      return jobId ? this.isLive(jobId) : false;
    });
  }

  /** Whether this job is delayed, waiting or running: it has not ended and is not lost. */
  async isLiveJob(jobId: string): Promise<boolean> {
    return this.redis(() => this.isLive(jobId));
  }

  private async isLive(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state === 'delayed' || state === 'waiting' || state === 'active' || state === 'prioritized' || state === 'waiting-children';
  }

  /**
   * Every failure of a queue call is Redis being unavailable (the producer connection fails fast
   * rather than waiting): callers get a domain error the API answers with 503 and Retry-After.
   * The deadline covers what the connection options cannot: BullMQ waits, without sending a
   * command, for a connection that has never been ready (Redis down since start).
   */
  private async redis<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.config.redisCommandTimeoutMs} ms`)), this.config.redisCommandTimeoutMs);
    });
    const call = work();
    // Past the deadline the call may still finish; its late failure has nobody to tell.
    call.catch(() => undefined);
    try {
      return await Promise.race([call, deadline]);
    } catch (err) {
      throw new QueueUnavailableError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  private add(leaderboardId: number, trigger: RunTrigger, delay: number, mode: 'reschedule' | 'replace'): Promise<Enqueued> {
    return this.redis(() => this.addJob(leaderboardId, trigger, delay, mode));
  }

  private async addJob(leaderboardId: number, trigger: RunTrigger, delay: number, mode: 'reschedule' | 'replace'): Promise<Enqueued> {
    const jobId = newJobId(leaderboardId);
    const job = await this.queue.add(RECALC_JOB, { leaderboardId, trigger }, this.jobOptions(leaderboardId, jobId, delay, mode));
    return this.outcome(leaderboardId, jobId, job.id!);
  }

  /**
   * A job's options. The per-job BullMQ costs were measured in the fleet bench (issue 16 round
   * five, BENCHMARKS.md; CPU profile of a worker over three 1,000-board drains): BullMQ's own code
   * 0.21 ms a job, ioredis 0.13, msgpackr 0.03, of the worker's 2.4–3.2 ms CPU a board; Redis 0.3–0.5
   * ms a board. The removal policy (completed jobs kept a day, at most 10,000; failed ones a
   * week) costs each completion two range reads of the completed set that remove nothing until
   * those limits are reached, and the events stream's trim (BullMQ's default 10,000, approximate)
   * is amortised: they are kept as they are, for the status endpoint and the dashboard. So are
   * the worker's lock duration and stalled-job interval (30 s: one timer per worker renews the
   * locks of all its active jobs, nothing per job).
   */
  private jobOptions(leaderboardId: number, jobId: string, delay: number, mode: 'reschedule' | 'replace'): JobsOptions {
    return {
      jobId,
      delay,
      attempts: RECALC_ATTEMPTS,
      backoff: { type: 'exponential', delay: RECALC_BACKOFF_MS },
      deduplication: { id: dedupIdOf(leaderboardId), keepLastIfActive: true, ...(mode === 'replace' ? { replace: true } : { reschedule: true }) },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  /** What an add did, from the id BullMQ answered (`storedId`) for the job asked as `jobId`. */
  private async outcome(leaderboardId: number, jobId: string, storedId: string): Promise<Enqueued> {
    if (storedId === jobId) return { leaderboardId, jobId, status: 'queued', afterActiveRun: false, joinedExisting: false };
    // Deduplicated: either stored as the follow-up of an active run (it will run under our id),
    // or folded into a job that is already waiting.
    const existing = await this.queue.getJob(storedId);
    if (existing && (await existing.getState()) === 'active') {
      return { leaderboardId, jobId, status: 'queued', afterActiveRun: true, joinedExisting: false };
    }
    return { leaderboardId, jobId: storedId, status: 'queued', afterActiveRun: false, joinedExisting: true };
  }

  private async debounceDelays(leaderboardIds: number[]): Promise<Map<number, number>> {
    const firstPending = await this.pending.firstPendingAt(this.dataSource.manager, leaderboardIds);
    const now = Date.now();
    const { recalcDebounceMs, recalcMaxWaitMs } = this.config;
    return new Map(
      [...firstPending].map(([id, firstPendingAt]) => {
        const capLeft = firstPendingAt ? firstPendingAt.getTime() + recalcMaxWaitMs - now : recalcMaxWaitMs;
        return [id, Math.max(0, Math.min(recalcDebounceMs, capLeft))];
      }),
    );
  }
}

/** Jobs per bulk add: each batch is one pipeline to Redis under its own deadline. */
const BULK_ADD_BATCH = 100;

/** A job id of its own for every request: the run row and the status endpoint follow it. */
const newJobId = (leaderboardId: number): string => `${leaderboardId}-${randomUUID()}`;
