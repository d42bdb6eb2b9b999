import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { RECALC_QUEUE } from '../common/queue/queue-names';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { PodiumMetrics } from './podium-metrics';
import { ScrapeGauges } from './scrape-gauges';
import { WorkerMetricsServer } from './worker-metrics-server';

/** Prometheus metrics: GET /metrics (admin key) in HTTP processes, METRICS_PORT in worker-only ones. */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: RECALC_QUEUE })],
  controllers: [MetricsController],
  providers: [PodiumMetrics, MetricsRepository, ScrapeGauges, WorkerMetricsServer],
  exports: [PodiumMetrics],
})
export class MetricsModule {}
