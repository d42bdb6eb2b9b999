import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { isAdminRequest } from '../../common/auth/admin.guard';
import { Public } from '../../common/auth/public.decorator';
import { IdPipe } from '../../common/id.pipe';
import { notModified } from '../../common/http/conditional-get';
import { RenderCache } from '../../common/http/render-cache';
import { StandingsStreams } from './standings-streams';
import { StandingsEntryLookupView, StandingsQuery, StandingsView } from './standings.dto';
import { StandingsService } from './standings.service';

@ApiTags('standings')
@Controller('leaderboards/:id/standings')
export class StandingsController {
  constructor(
    private readonly standings: StandingsService,
    private readonly cache: RenderCache,
    private readonly streams: StandingsStreams,
  ) {}

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
    @Res() res: Response,
  ): Promise<void> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const admin = isAdminRequest(req);
    const visible = await this.standings.visible(id, admin, `${offset}-${limit}`);
    // Served from the render cache: the key holds the standings version, so a write makes a new one.
    const key = `json|${id}|${visible.head.resultSetId}.${visible.head.version}|${visible.shownState}|${visible.revisionPending}|${offset}|${limit}`;
    const rendered = await this.cache.get(key, async () => JSON.stringify(await this.standings.page(id, visible, offset, limit)));
    if (notModified(req, res, rendered.etag, admin ? 'private' : 'public')) {
      res.end();
      return;
    }
    res.type('application/json').send(rendered.body);
  }

  @Get('stream')
  @Public()
  @ApiOperation({
    summary: 'Live updates of the standings (Server-Sent Events)',
    description: 'An event `standings` (id: the standings version) whenever the board\'s standings are written, in whichever process '
      + 'wrote them; a heartbeat comment every SSE_HEARTBEAT_MS. Reconnect with Last-Event-ID to hear at once of a change missed '
      + 'meanwhile. Public when the board\'s standings are; the public hears only of changes to the standings it is shown (not of a '
      + 'DRAFT revision\'s runs while the published standings are shown). 503 with Retry-After past SSE_MAX_CONNECTIONS streams per process.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 404, description: 'No such board, or (without an admin key) no published standings' })
  @ApiResponse({ status: 503, description: 'Too many open streams on this process' })
  @ApiQuery({ name: 'since', required: false, description: 'The version the page was rendered from (like Last-Event-ID, for the first connection)' })
  async stream(@Param('id', IdPipe) id: number, @Query('since') since: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const admin = isAdminRequest(req);
    await this.standings.visible(id, admin, 'stream');
    await this.streams.open(id, admin ? 'admin' : 'public', req, res, typeof since === 'string' ? since : undefined);
  }

  @Get(':key')
  @Public()
  @ApiOkResponse({ type: StandingsEntryLookupView, description: 'One entry (a rider or school looking itself up) and its rank' })
  async entry(@Param('id', IdPipe) id: number, @Param('key') key: string, @Req() req: Request): Promise<StandingsEntryLookupView> {
    const visible = await this.standings.visible(id, isAdminRequest(req), key);
    return this.standings.entry(id, visible, key);
  }
}
