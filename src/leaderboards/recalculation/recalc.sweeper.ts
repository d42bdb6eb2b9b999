import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RecalcQueue } from '../../queue/recalc-queue.service';

const SWEEPER_LOCK = [74_201_513, 0];
const INTERVAL_NAME = 'recalc-sweeper';

/**
 * The safety net of "nothing lost": every tick, boards whose pending mark is past due and that
 * have no live job (a crash between commit and enqueue, a Redis outage or flush) are enqueued.
 * One process sweeps at a time (a transaction-scoped advisory lock); it only enqueues.
 */
@Injectable()
export class RecalcSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecalcSweeper.name);
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly queue: RecalcQueue,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), this.config.sweepIntervalMs);
    this.scheduler.addInterval(INTERVAL_NAME, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One sweep; returns the boards it enqueued. Ticks never overlap within a process. */
  async tick(): Promise<number[]> {
    if (this.running) return [];
    const sweep = this.sweep().catch((err) => {
      this.logger.error({ err }, 'Sweep failed; the next tick tries again');
      return [] as number[];
    });
    this.running = sweep;
    try {
      return await sweep;
    } finally {
      this.running = null;
    }
  }

  private sweep(): Promise<number[]> {
    return this.tx.run(async ({ manager }) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', SWEEPER_LOCK);
      if (!locked) return [];
      // A board is the sweeper's only once it is a whole quiet period past the time its own job
      // was due: right at that time the debounced job may still be on its way from delayed to
      // active (BullMQ promotes delayed jobs on its own clock), and sweeping then would run the
      // board twice. The grace costs a lost job one more quiet period, never the change.
      const due: { leaderboard_id: number }[] = await manager.query(
        `SELECT o.leaderboard_id FROM recalc_outbox o JOIN leaderboard l ON l.id = o.leaderboard_id
          WHERE o.results_version > o.standings_version AND o.first_pending_at IS NOT NULL
            AND (o.last_changed_at + make_interval(secs => 2 * $1::float8 / 1000) <= now()
                 OR o.first_pending_at + make_interval(secs => ($2::float8 + $1::float8) / 1000) <= now())
          ORDER BY o.first_pending_at`,
        [this.config.recalcDebounceMs, this.config.recalcMaxWaitMs],
      );
      const enqueued: number[] = [];
      for (const { leaderboard_id: id } of due) {
        if (await this.queue.hasLiveJob(id)) continue;
        await this.queue.enqueueNow(id, 'SWEEP');
        enqueued.push(id);
      }
      if (enqueued.length > 0) this.logger.warn({ leaderboardIds: enqueued }, 'Sweeper enqueued boards whose job had gone missing');
      return enqueued;
    });
  }
}
