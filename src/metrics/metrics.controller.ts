import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PodiumMetrics } from './podium-metrics';

/**
 * Prometheus metrics, admin-only like every non-public route: Prometheus sends the key with
 * `authorization: { credentials: <key> }` (bearer), and the figures (queue, failures) are not public.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PodiumMetrics) {}

  @Get()
  @ApiOkResponse({ description: 'Prometheus text format', content: { 'text/plain': {} } })
  async scrape(@Res() res: Response): Promise<void> {
    res.set('Content-Type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
