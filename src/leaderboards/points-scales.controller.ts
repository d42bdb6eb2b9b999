import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { CodeScoringDto, CreatePointsScaleDto, PointsScaleView } from './leaderboards.dto';
import { PointsScalesService } from './points-scales.service';

/** Request examples in the OpenAPI document. */
const SCALE_EXAMPLES = {
  rrsAppendixA: {
    summary: 'RRS Appendix A low point',
    description: 'Place = points, lowest total wins; every code at its Appendix A default (DNC and DNF: entered in the series + 1; ZFP/SCP: + 20 % of DNF; DNE/DGM not discardable; RDG: average). Use with a board whose missed is DNC.',
    value: { name: 'RRS Appendix A low point', kind: 'TABLE', table: [1], lowPoint: true, codes: {} },
  },
  rrsWithOptions: {
    summary: 'Low point with a 30 % SCP and a fixed DPI',
    value: { name: 'Club low point', kind: 'TABLE', table: [1], lowPoint: true, codes: { SCP: { penaltyPercent: 30 }, DPI: { penaltyPoints: 2 }, RET: { base: 'STARTERS', plus: 1 } } },
  },
  f1: {
    summary: 'F1 table, non-finishers 0, redress by average',
    value: { name: 'F1', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1], codes: { RDG: { redress: 'AVERAGE' } } },
  },
};

@ApiTags('points scales')
@Controller('points-scales')
export class PointsScalesController {
  constructor(private readonly scales: PointsScalesService) {}

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: PointsScaleView })
  @ApiExtraModels(CodeScoringDto)
  @ApiBody({ type: CreatePointsScaleDto, examples: SCALE_EXAMPLES })
  create(@Body() dto: CreatePointsScaleDto): Promise<PointsScaleView> {
    return this.scales.create(dto);
  }

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: PointsScaleView })
  get(@Param('id', IdPipe) id: number): Promise<PointsScaleView> {
    return this.scales.get(id);
  }
}
