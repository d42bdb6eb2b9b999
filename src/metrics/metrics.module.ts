import { Global, Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { PodiumMetrics } from './podium-metrics';
import { ScrapeGauges } from './scrape-gauges';
import { WorkerMetricsServer } from './worker-metrics-server';

/** Prometheus metrics: GET /metrics (admin key) in HTTP processes, METRICS_PORT in worker-only ones. */
@Global()
@Module({
  imports: [QueueModule],
  controllers: [MetricsController],
  providers: [PodiumMetrics, MetricsRepository, ScrapeGauges, WorkerMetricsServer],
  exports: [PodiumMetrics],
})
export class MetricsModule {}
