import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../../common/id.pipe';
import { pageWindow } from '../../common/paging';
import { MergeRiderDto, MergeView, RiderDetailView, RiderPage, RiderSearchQuery, UpdateRiderDto } from './riders.dto';
import { RidersService } from './riders.service';

/**
 * Riders for organisers. Every route is admin-only (no @Public): a rider's licence is never
 * public, the search matches licences, and a rider's results include unpublished sets. The
 * public sees riders on the pages (/riders/:id), built from published standings only.
 */
@ApiTags('riders')
@ApiBearerAuth()
@Controller('participants')
export class RidersController {
  constructor(private readonly riders: RidersService) {}

  @Get()
  @ApiOperation({
    summary: 'Search riders (admin)',
    description: 'By name (each word the start of the first or last name, accents and case ignored), alias, or licence; paged, '
      + 'ordered by last name, first name, id. Admin only: licences are never public.',
  })
  @ApiOkResponse({ type: RiderPage })
  @ApiNotFoundResponse({ description: 'seriesId names no series' })
  async search(@Query() query: RiderSearchQuery): Promise<RiderPage> {
    const window = pageWindow(query);
    const { total, items } = await this.riders.search({ q: query.q, seriesId: query.seriesId }, window);
    return { total, ...window, items };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A rider with aliases and every result in every series (admin)' })
  @ApiOkResponse({ type: RiderDetailView })
  @ApiNotFoundResponse({ description: 'No such rider (a merged rider answers 404: see the alias on the rider it went into)' })
  get(@Param('id', IdPipe) id: number): Promise<RiderDetailView> {
    return this.riders.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Fix a rider\'s name or licence (admin)',
    description: 'The boards that show the rider are marked pending: their standings take the new name on their next run. '
      + 'A PATCH that changes nothing records nothing. Audited as participant.update.',
  })
  @ApiOkResponse({ type: RiderDetailView })
  @ApiBadRequestResponse({ description: 'Unknown fields (named), blank names, values too long' })
  @ApiNotFoundResponse({ description: 'No such rider' })
  @ApiConflictResponse({ description: 'The licence belongs to another rider, or is kept as an alias of one (the answer names them)' })
  update(@Param('id', IdPipe) id: number, @Body() patch: UpdateRiderDto): Promise<RiderDetailView> {
    return this.riders.update(id, patch);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Merge this rider into another (admin)',
    description: 'One transaction: every result moves to intoId, this rider\'s name and licence (and its aliases) become aliases of '
      + 'intoId so later imports of the old spelling find the merged rider, this rider is deleted, the affected boards are marked '
      + 'pending; one change event, one audit row (participant.merge). Final: there is no unmerge, but the audit row keeps '
      + 'the old name, licence and what moved. In a superseded (REPLACED) version of a race both riders are in, this rider\'s '
      + 'result is deleted (listed in the audit row): such history is never edited, and it would otherwise block the merge for good.',
  })
  @ApiOkResponse({ type: MergeView })
  @ApiNotFoundResponse({ description: 'No rider :id (already merged, or never existed)' })
  @ApiConflictResponse({
    description: 'Into itself; into a rider that does not exist; both riders have a result in one race that is not superseded '
      + '(the answer names the event and category: fix that race first, by a revision if it is APPROVED or DELETED); an import of an event of either rider is running, or another transaction '
      + 'is writing their results (try again when it has finished). Nothing is changed.',
  })
  merge(@Param('id', IdPipe) id: number, @Body() body: MergeRiderDto): Promise<MergeView> {
    return this.riders.merge(id, body.intoId, body.reason);
  }

  @Delete(':id/aliases/:aliasId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an alias: imports stop matching that name or licence to the rider (admin; audited)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such rider, or the alias is not one of theirs' })
  async deleteAlias(@Param('id', IdPipe) id: number, @Param('aliasId', IdPipe) aliasId: number): Promise<void> {
    await this.riders.deleteAlias(id, aliasId);
  }
}
