import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { LeaderboardView } from './leaderboard-views';
import { CategoryDto, CreateLeaderboardDto, ListLeaderboardsQuery, UpdateLeaderboardDto } from './leaderboards.dto';
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
  create(@Body() dto: CreateLeaderboardDto): Promise<LeaderboardView> {
    return this.leaderboards.create(dto);
  }

  @Get()
  @Public()
  @ApiOkResponse({ type: [LeaderboardView] })
  list(@Query() query: ListLeaderboardsQuery): Promise<LeaderboardView[]> {
    return this.leaderboards.list(query.seriesId);
  }

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: LeaderboardView, description: 'Configuration, standings state, pending recalculation with its due time, last run' })
  get(@Param('id', IdPipe) id: number): Promise<LeaderboardView> {
    return this.leaderboards.get(id);
  }

  @Patch(':id')
  @ApiBearerAuth()
  @ApiOkResponse({ type: LeaderboardView })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateLeaderboardDto): Promise<LeaderboardView> {
    return this.leaderboards.update(id, dto);
  }
}
