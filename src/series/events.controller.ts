import { Body, Controller, Delete, Get, HttpCode, Param, Patch } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { IdPipe } from '../common/id.pipe';
import { EventView, UpdateEventDto } from './series.dto';
import { SeriesService } from './series.service';

/** A race day on its own: read, edit, delete (created under its series: POST /api/series/:id/events). */
@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly series: SeriesService) {}

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: EventView })
  @ApiNotFoundResponse({ description: 'No event with this id' })
  get(@Param('id', IdPipe) id: number): Promise<EventView> {
    return this.series.getEvent(id);
  }

  @Patch(':id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Edit an event (name, date, starred, pointsMultiplier)',
    description: 'A change to the date, the star or the points multiplier is a result change: every active board whose event scope '
      + 'contains the event (before or after the change, so a star toggle reaches STARRED boards) is marked pending in the same '
      + 'transaction and recalculated after the quiet period. A name-only change marks nothing; a PATCH that changes nothing '
      + 'writes and records nothing.',
  })
  @ApiOkResponse({ type: EventView })
  @ApiBadRequestResponse({ description: 'A bad value, null, or an unknown field (named)' })
  @ApiNotFoundResponse({ description: 'No event with this id' })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateEventDto): Promise<EventView> {
    return this.series.updateEvent(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Delete an event that never published results',
    description: 'Removes the event with its DRAFT and DELETED result sets and their rows. Refused with 409 while it holds published '
      + 'results or their history (PROVISIONAL, APPROVED or REPLACED sets): move those sets to DELETED instead, which takes them out '
      + 'of the standings and keeps the history. Also refused while a board names the event in eventIds or nonDroppableEventIds.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No event with this id' })
  @ApiConflictResponse({ description: 'The event holds published results, or a board names it; the message says what to do instead' })
  async delete(@Param('id', IdPipe) id: number): Promise<void> {
    await this.series.deleteEvent(id);
  }
}
