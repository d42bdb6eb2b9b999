import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { RECALC_QUEUE } from '../common/queue/queue-names';
import { BacklogSnapshot, MetricsRepository } from './metrics.repository';
import { PodiumMetrics } from './podium-metrics';

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
/** A scrape answers even when Redis or PostgreSQL hangs: the figures it could not get are left out. */
const SOURCE_TIMEOUT_MS = 2000;

/**
 * Gauges read when Prometheus scrapes: the queue's job counts (BullMQ) and the backlog
 * (recalc_outbox, failure episodes). They describe the whole deployment, so every API process
 * reports the same values: aggregate them with max(), not sum().
 */
@Injectable()
export class ScrapeGauges {
  private readonly logger = new Logger(ScrapeGauges.name);

  constructor(
    metrics: PodiumMetrics,
    @InjectQueue(RECALC_QUEUE) private readonly queue: Queue,
    private readonly repository: MetricsRepository,
  ) {
    const registers = [metrics.registry];
    const self = this;
    new Gauge({
      name: 'podium_queue_jobs',
      help: 'Recalculation jobs in the queue by state',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        const counts = await self.read('queue', () => self.queue.getJobCounts(...QUEUE_STATES));
        if (counts) for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    const backlog = (name: string, help: string, pick: (b: BacklogSnapshot) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const snapshot = await self.backlogOnce();
          if (snapshot) this.set(pick(snapshot));
        },
      });
    backlog('podium_boards_pending', 'Boards whose standings are behind their results', (b) => b.boardsPending);
    backlog('podium_oldest_pending_change_age_seconds', 'Age of the oldest change not yet in the standings (0: none)', (b) => b.oldestPendingAgeSeconds);
    backlog('podium_failure_episodes_open', 'Boards whose last recalculation failed and has not recovered', (b) => b.failureEpisodesOpen);
  }

  private inFlight: Promise<BacklogSnapshot | undefined> | null = null;

  /** One query per scrape, shared by the three backlog gauges (collected in parallel). */
  private backlogOnce(): Promise<BacklogSnapshot | undefined> {
    this.inFlight ??= this.read('database', () => this.repository.backlog()).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async read<T>(source: string, fetch: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SOURCE_TIMEOUT_MS)));
    try {
      const value = await Promise.race([fetch(), timeout]);
      if (value === undefined) this.logger.warn(`Metrics: ${source} did not answer within ${SOURCE_TIMEOUT_MS} ms`);
      return value;
    } catch (err) {
      this.logger.warn({ err }, `Metrics: could not read the ${source}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
