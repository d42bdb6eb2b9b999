import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { tryAdvisoryXactLock } from '../../common/database/advisory-locks';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PendingRecalcRepository } from '../../pending-recalc/pending-recalc.repository';
import { RecalcQueue } from './recalc-queue.service';
import { RunsRepository } from './runs.repository';

const SWEEPER_LOCK_NAMESPACE = 74_201_513;
const INTERVAL_NAME = 'recalc-sweeper';

/**
 * The safety net of "nothing lost": every tick, boards whose pending mark is past due and that
 * have no live job (a crash between commit and enqueue, a Redis outage or flush) are enqueued.
 * Each time the queue's Redis connection becomes ready (start, return after an outage, maybe
 * empty) one catch-up sweep enqueues every pending board without a live job, due ones at once
 * and the others when their quiet period ends, so boards are current soon after Redis is back.
 * Run rows still open whose job is gone (replaced as a board's follow-up, lost with Redis or a
 * killed worker) get a run of their board, which serves them (RunsRepository.closeServed).
 * One process sweeps at a time (a transaction-scoped advisory lock); it only enqueues.
 */
@Injectable()
export class RecalcSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecalcSweeper.name);
  private running: Promise<unknown> | null = null;
  /** Times the queue's connection became ready, and how many of those a catch-up sweep has handled. */
  private readyCount = 0;
  private caughtUpTo = 0;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly queue: RecalcQueue,
    private readonly runs: RunsRepository,
    private readonly pending: PendingRecalcRepository,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), this.config.sweepIntervalMs);
    this.scheduler.addInterval(INTERVAL_NAME, timer);
    this.queue.onReconnect(() => {
      this.readyCount += 1;
      void this.tick();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One sweep; returns the boards it enqueued. Ticks never overlap within a process. */
  async tick(): Promise<number[]> {
    if (this.running) return [];
    const readyCount = this.readyCount;
    const catchUp = this.caughtUpTo < readyCount;
    const sweep = this.sweep(catchUp).then(
      (enqueued) => {
        this.caughtUpTo = readyCount;
        return enqueued;
      },
      (err) => {
        this.logger.error({ err }, 'Sweep failed; the next tick tries again');
        return [] as number[];
      },
    );
    this.running = sweep;
    try {
      return await sweep;
    } finally {
      this.running = null;
      // Redis came back while this tick ran (and likely failed): catch up now, not a tick later.
      if (this.readyCount > readyCount) void this.tick();
    }
  }

  private sweep(catchUp: boolean): Promise<number[]> {
    return this.tx.run(async ({ manager }) => {
      if (!(await tryAdvisoryXactLock(manager, SWEEPER_LOCK_NAMESPACE, 0))) return [];
      const due = await this.pending.due(manager, this.config.recalcDebounceMs, this.config.recalcMaxWaitMs, catchUp);
      const enqueued: number[] = [];
      for (const { leaderboardId: id, delayMs } of due) {
        if (await this.queue.hasLiveJob(id)) continue;
        await this.queue.enqueueNow(id, 'SWEEP', delayMs);
        enqueued.push(id);
      }
      for (const { jobId, leaderboardId: id } of await this.runs.open(manager)) {
        // A live job of the board serves the row when it runs, or leaves it for a later tick.
        if (enqueued.includes(id) || (await this.queue.isLiveJob(jobId)) || (await this.queue.hasLiveJob(id))) continue;
        await this.queue.enqueueNow(id, 'SWEEP');
        enqueued.push(id);
      }
      if (enqueued.length > 0) {
        this.logger.warn({ leaderboardIds: enqueued, catchUp }, catchUp ? 'Sweeper enqueued pending boards on (re)connecting to Redis' : 'Sweeper enqueued boards whose job had gone missing');
      }
      return enqueued;
    });
  }
}
