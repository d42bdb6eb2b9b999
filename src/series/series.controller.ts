import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath,
} from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { InvalidInputError } from '../common/errors/domain-errors';
import { IdPipe } from '../common/id.pipe';
import {
  CreateEventDto, CreateSeriesDto, EventPage, EventView, FindSeriesQuery, ListEventsQuery, SeriesPage, SeriesView, UpdateSeriesDto,
} from './series.dto';
import { SeriesService } from './series.service';

@ApiTags('series')
@ApiExtraModels(SeriesPage, SeriesView, EventPage, EventView)
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
  @ApiOperation({
    summary: 'The series, newest season first, paged; or the series with an exact name',
    description: 'Without `name`: a page `{ total, offset, limit, items }`, newest season first (season text descending, series without '
      + 'a season last, then newest series first), filtered by `q` (a part of the name or season, ignoring case and accents). '
      + 'With `name`: the plain array of series with exactly that name, oldest first (at most 100), as before paging existed; '
      + '`q`, `offset` and `limit` cannot be combined with it.',
  })
  @ApiOkResponse({
    description: 'A page, or (with `name`) an array',
    schema: { oneOf: [{ $ref: getSchemaPath(SeriesPage) }, { type: 'array', items: { $ref: getSchemaPath(SeriesView) } }] },
    examples: {
      page: { summary: 'GET /api/series?q=cup', value: { total: 1, offset: 0, limit: 50, items: [{ id: 3, name: 'Schools Cup', season: '2026', customLabels: { custom1: 'School' }, timeZone: 'Europe/London' }] } },
      byName: { summary: 'GET /api/series?name=Schools%20Cup', value: [{ id: 3, name: 'Schools Cup', season: '2026', customLabels: { custom1: 'School' }, timeZone: 'Europe/London' }] },
    },
  })
  @ApiBadRequestResponse({ description: 'A bad filter or page, or `name` combined with `q`, `offset` or `limit`' })
  list(@Query() query: FindSeriesQuery): Promise<SeriesPage | SeriesView[]> {
    if (query.name === undefined) return this.series.list(query.q, query);
    const mixed = (['q', 'offset', 'limit'] as const).filter((field) => query[field] !== undefined);
    if (mixed.length > 0) {
      throw new InvalidInputError(mixed.map((field) => ({ field, message: `${field} cannot be combined with name (an exact lookup answers every match)` })));
    }
    return this.series.findByName(query.name);
  }

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: SeriesView })
  @ApiNotFoundResponse({ description: 'No series with this id' })
  get(@Param('id', IdPipe) id: number): Promise<SeriesView> {
    return this.series.get(id);
  }

  @Patch(':id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Edit a series',
    description: 'Fields left out keep their value. `season: null` clears the season; a `customLabels` slot set to null clears that label '
      + '(slots left out keep theirs). A PATCH that changes nothing records nothing in the audit log.',
  })
  @ApiOkResponse({ type: SeriesView })
  @ApiBadRequestResponse({ description: 'A bad value, or an unknown field (named)' })
  @ApiNotFoundResponse({ description: 'No series with this id' })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateSeriesDto): Promise<SeriesView> {
    return this.series.update(id, dto);
  }

  @Post(':id/events')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: EventView })
  @ApiNotFoundResponse({ description: 'No series with this id' })
  addEvent(@Param('id', IdPipe) id: number, @Body() dto: CreateEventDto): Promise<EventView> {
    return this.series.addEvent(id, dto);
  }

  @Get(':id/events')
  @Public()
  @ApiOperation({
    summary: 'The events of a series in calendar order',
    description: 'A plain array of every event, as always; with `paged=true`, a page `{ total, offset, limit, items }` '
      + '(`offset` and `limit` need `paged=true`).',
  })
  @ApiOkResponse({
    description: 'An array, or (with paged=true) a page',
    schema: { oneOf: [{ type: 'array', items: { $ref: getSchemaPath(EventView) } }, { $ref: getSchemaPath(EventPage) }] },
    examples: {
      array: { summary: 'GET /api/series/3/events', value: [{ id: 12, seriesId: 3, name: 'Round 1 — Hillside', date: '2026-03-14', starred: false, pointsMultiplier: 1 }] },
      page: { summary: 'GET /api/series/3/events?paged=true&limit=1', value: { total: 8, offset: 0, limit: 1, items: [{ id: 12, seriesId: 3, name: 'Round 1 — Hillside', date: '2026-03-14', starred: false, pointsMultiplier: 1 }] } },
    },
  })
  @ApiNotFoundResponse({ description: 'No series with this id' })
  listEvents(@Param('id', IdPipe) id: number, @Query() query: ListEventsQuery): Promise<EventView[] | EventPage> {
    if (query.paged === 'true') return this.series.eventPage(id, query);
    const stray = (['offset', 'limit'] as const).filter((field) => query[field] !== undefined);
    if (stray.length > 0) throw new InvalidInputError(stray.map((field) => ({ field, message: `${field} needs paged=true (without it the answer is every event)` })));
    return this.series.listEvents(id);
  }
}
