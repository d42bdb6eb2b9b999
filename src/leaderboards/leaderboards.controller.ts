import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { PUBLIC_FAILURE_MESSAGE } from '../common/audience';
import { isAdminRequest } from '../common/auth/admin.guard';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { LeaderboardView } from './leaderboard-views';
import { CategoryDto, CreateLeaderboardDto, LEADERBOARD_EXAMPLES, ListLeaderboardsQuery, UpdateLeaderboardDto } from './leaderboards.dto';
import { LeaderboardsService } from './leaderboards.service';

@ApiTags('leaderboards')
@ApiExtraModels(CategoryDto)
@Controller('leaderboards')
export class LeaderboardsController {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: LeaderboardView })
  @ApiBody({ type: CreateLeaderboardDto, examples: LEADERBOARD_EXAMPLES })
  create(@Body() dto: CreateLeaderboardDto): Promise<LeaderboardView> {
    return this.leaderboards.create(dto);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The boards of a series',
    description: 'With an admin key: every board. Without: only active boards whose standings are published '
      + '(PROVISIONAL or APPROVED, or FAILED after being published); DRAFT, inactive and never-computed boards are left out, '
      + 'and failures show a generic note instead of their detail (see GET /api/leaderboards/:id).',
  })
  @ApiOkResponse({ type: [LeaderboardView] })
  list(@Query() query: ListLeaderboardsQuery, @Req() request: Request): Promise<LeaderboardView[]> {
    return this.leaderboards.list(query.seriesId, isAdminRequest(request));
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: 'A board: configuration, standings state, pending recalculation with its due time, last run',
    description: `Without an admin key, standings.errorMessage and lastRun.error of a failed recalculation read "${PUBLIC_FAILURE_MESSAGE}"; `
      + 'with a key they carry the failure\'s detail.',
  })
  @ApiOkResponse({ type: LeaderboardView })
  get(@Param('id', IdPipe) id: number, @Req() request: Request): Promise<LeaderboardView> {
    return this.leaderboards.get(id, isAdminRequest(request));
  }

  @Patch(':id')
  @ApiBearerAuth()
  @ApiOkResponse({ type: LeaderboardView })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateLeaderboardDto): Promise<LeaderboardView> {
    return this.leaderboards.update(id, dto);
  }
}
