import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { CreateEventDto, CreateSeriesDto, EventView, FindSeriesQuery, SeriesView } from './series.dto';
import { SeriesService } from './series.service';

@ApiTags('series')
@Controller('series')
export class SeriesController {
  constructor(private readonly series: SeriesService) {}

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: SeriesView })
  create(@Body() dto: CreateSeriesDto): Promise<SeriesView> {
    return this.series.create(dto);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'The series with this exact name (oldest first); empty when there is none' })
  @ApiOkResponse({ type: [SeriesView] })
  findByName(@Query() query: FindSeriesQuery): Promise<SeriesView[]> {
    return this.series.findByName(query.name);
  }

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: SeriesView })
  get(@Param('id', IdPipe) id: number): Promise<SeriesView> {
    return this.series.get(id);
  }

  @Post(':id/events')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: EventView })
  addEvent(@Param('id', IdPipe) id: number, @Body() dto: CreateEventDto): Promise<EventView> {
    return this.series.addEvent(id, dto);
  }

  @Get(':id/events')
  @Public()
  @ApiOkResponse({ type: [EventView] })
  listEvents(@Param('id', IdPipe) id: number): Promise<EventView[]> {
    return this.series.listEvents(id);
  }
}
