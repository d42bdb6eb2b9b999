import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { isAdminRequest } from '../../common/auth/admin.guard';
import { Public } from '../../common/auth/public.decorator';
import { IdPipe } from '../../common/id.pipe';
import { StandingsEntryLookupView, StandingsQuery, StandingsView } from './standings.dto';
import { StandingsService } from './standings.service';

@ApiTags('standings')
@Controller('leaderboards/:id/standings')
export class StandingsController {
  constructor(private readonly standings: StandingsService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'A page of the standings',
    description: 'Public when PROVISIONAL or APPROVED (FAILED: the last good rows, stale: true). While a DRAFT revision of published '
      + 'standings is being worked on, readers without an admin key see the published set it replaces (its resultSetId, state as published); '
      + 'admins see the DRAFT. Standings that were never published answer 404 without a key.',
  })
  @ApiOkResponse({ type: StandingsView })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag sent in If-None-Match' })
  @ApiResponse({ status: 404, description: 'No such board or no standings yet; without an admin key also standings that are not published (DRAFT, DELETED)' })
  async page(
    @Param('id', IdPipe) id: number,
    @Query() query: StandingsQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StandingsView | undefined> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const visible = await this.standings.visible(id, isAdminRequest(req), `${offset}-${limit}`);
    if (notModified(req, res, visible.etag)) return undefined;
    return this.standings.page(id, visible, offset, limit);
  }

  @Get(':key')
  @Public()
  @ApiOkResponse({ type: StandingsEntryLookupView, description: 'One entry (a rider or school looking itself up) and its rank' })
  async entry(@Param('id', IdPipe) id: number, @Param('key') key: string, @Req() req: Request): Promise<StandingsEntryLookupView> {
    const visible = await this.standings.visible(id, isAdminRequest(req), key);
    return this.standings.entry(id, visible, key);
  }
}

/** Sets the validators; answers 304 when the client already has this version. */
function notModified(req: Request, res: Response, etag: string): boolean {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-cache');
  const sent = req.headers['if-none-match'];
  if (sent && sent.split(',').map((s) => s.trim()).includes(etag)) {
    res.status(304);
    return true;
  }
  return false;
}
