import { Global, Module } from '@nestjs/common';
import { QueuesModule } from '../common/queue/queues.module';
import { PendingRecalcModule } from '../pending-recalc/pending-recalc.module';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { PodiumMetrics } from './podium-metrics';
import { ScrapeGauges } from './scrape-gauges';
import { WorkerMetricsServer } from './worker-metrics-server';

/** Prometheus metrics: GET /metrics (admin key) in HTTP processes, METRICS_PORT in worker-only ones. */
@Global()
@Module({
  imports: [QueuesModule, PendingRecalcModule],
  controllers: [MetricsController],
  providers: [PodiumMetrics, MetricsRepository, ScrapeGauges, WorkerMetricsServer],
  exports: [PodiumMetrics],
})
export class MetricsModule {}
