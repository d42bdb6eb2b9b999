import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/paging';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { CodeListEntryDto, CodeScoringDto, CreatePointsScaleDto, POINTS_SCALE_EXAMPLES, PointsScaleView } from './leaderboards.dto';
import { PointsScalePage, UpdatePointsScaleDto } from './points-scales.dto';
import { PointsScalesService } from './points-scales.service';

@ApiTags('points scales')
@Controller('points-scales')
export class PointsScalesController {
  constructor(private readonly scales: PointsScalesService) {}

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: PointsScaleView })
  @ApiExtraModels(CodeScoringDto, CodeListEntryDto)
  @ApiBody({ type: CreatePointsScaleDto, examples: POINTS_SCALE_EXAMPLES })
  create(@Body() dto: CreatePointsScaleDto): Promise<PointsScaleView> {
    return this.scales.create(dto);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'The points scales, oldest first, paged' })
  @ApiOkResponse({
    type: PointsScalePage,
    example: { total: 1, offset: 0, limit: 50, items: [{ id: 1, name: 'F1 2010', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] }] },
  })
  @ApiBadRequestResponse({ description: 'A bad offset or limit (limit at most 500)' })
  list(@Query() query: PageQuery): Promise<PointsScalePage> {
    return this.scales.list(query);
  }

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: PointsScaleView })
  @ApiNotFoundResponse({ description: 'No points scale with this id' })
  get(@Param('id', IdPipe) id: number): Promise<PointsScaleView> {
    return this.scales.get(id);
  }

  @Patch(':id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Edit a points scale',
    description: 'Fields left out keep their value; a setting set to null is removed (back to its default). The result is validated '
      + 'as a new scale would be. Every board scored with the scale is marked pending in the same transaction and recalculated '
      + 'after the quiet period. A PATCH that changes nothing writes, marks and records nothing.',
  })
  @ApiOkResponse({ type: PointsScaleView, example: { id: 1, name: 'F1 2010', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1], ties: 'SAME' } })
  @ApiBadRequestResponse({ description: 'A bad value, a scale the calculators refuse, or an unknown field (named)' })
  @ApiNotFoundResponse({ description: 'No points scale with this id' })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdatePointsScaleDto): Promise<PointsScaleView> {
    return this.scales.update(id, dto);
  }
}
