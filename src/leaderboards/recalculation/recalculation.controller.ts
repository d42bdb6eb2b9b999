import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../common/id.pipe';
import { RunView } from '../leaderboard-views';
import { RecalculateAllQuery, RecalculateAllView, RecalculationView, RunsQuery } from './recalculation.dto';
import { RecalculationService } from './recalculation.service';

/** What a manual run answers while Redis is down, instead of waiting for it. */
const QUEUE_UNAVAILABLE = { description: 'The queue (Redis) is unavailable; try again after the Retry-After header\'s seconds' };

@ApiTags('recalculation')
@ApiBearerAuth()
@Controller()
export class RecalculationController {
  constructor(private readonly recalculation: RecalculationService) {}

  @Post('leaderboards/recalculate-all')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RecalculateAllView })
  @ApiServiceUnavailableResponse(QUEUE_UNAVAILABLE)
  recalculateAll(@Query() query: RecalculateAllQuery): Promise<RecalculateAllView> {
    return this.recalculation.recalculateSeries(query.seriesId);
  }

  @Post('leaderboards/:id/recalculate')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RecalculationView, description: 'Queued now, bypassing the debounce' })
  @ApiServiceUnavailableResponse(QUEUE_UNAVAILABLE)
  recalculate(@Param('id', IdPipe) id: number): Promise<RecalculationView> {
    return this.recalculation.recalculate(id);
  }

  @Get('leaderboards/:id/runs')
  @ApiOkResponse({ type: [RunView], description: 'Run history, newest first' })
  runs(@Param('id', IdPipe) id: number, @Query() query: RunsQuery): Promise<RunView[]> {
    return this.recalculation.history(id, query.limit ?? 50);
  }

  @Get('recalculations/:jobId')
  @ApiOkResponse({ type: RunView })
  @ApiServiceUnavailableResponse(QUEUE_UNAVAILABLE)
  status(@Param('jobId') jobId: string): Promise<RunView> {
    return this.recalculation.status(jobId.slice(0, 100));
  }
}
