import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { CreatePointsScaleDto, POINTS_SCALE_EXAMPLES, PointsScaleView } from './leaderboards.dto';
import { PointsScalesService } from './points-scales.service';

@ApiTags('points scales')
@Controller('points-scales')
export class PointsScalesController {
  constructor(private readonly scales: PointsScalesService) {}

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: PointsScaleView })
  @ApiBody({ type: CreatePointsScaleDto, examples: POINTS_SCALE_EXAMPLES })
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
