import { Controller, Get, Header, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { isAdminRequest } from '../common/auth/admin.guard';
import { Public } from '../common/auth/public.decorator';
import { notModified } from '../common/http/conditional-get';
import { IdPipe } from '../common/id.pipe';
import { Html } from './html';
import { ICON_SVG } from './assets/icon';
import { ASSETS, PAGE_ICON, PageContext } from './pages/layout';
import { en } from './strings';
import { PageQuery, StandingsPageQuery } from './web.dto';
import { WebService } from './web.service';

/**
 * Route paths of the public pages. Their parameter names appear nowhere in the API, and
 * bootstrap.ts excludes exactly these strings from the global `api` prefix: an exclusion
 * matches route paths by pattern, so `leaderboards/:id` would also lift the API's own
 * `GET /api/leaderboards/:id` out of /api.
 */
export const PAGE_ROUTES = {
  home: '/',
  series: 'series/:seriesPage',
  standings: 'leaderboards/:boardPage',
  entry: 'leaderboards/:boardPage/entries/:entryKey',
  rider: 'riders/:riderPage',
  asset: 'assets/:assetName',
  icon: PAGE_ICON,
} as const;

const DAY_S = 24 * 3600;
const YEAR_S = 365 * DAY_S;

/** The server-rendered public pages (no key needed; an admin key shows what admins see). */
@ApiExcludeController()
@Controller()
@Public()
export class WebController {
  constructor(private readonly web: WebService) {}

  @Get(PAGE_ROUTES.home)
  async home(@Query() query: PageQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.web.home(context(query), isAdminRequest(req)));
  }

  @Get(PAGE_ROUTES.series)
  async series(@Param('seriesPage', IdPipe) id: number, @Query() query: PageQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.web.series(context(query), id, isAdminRequest(req)));
  }

  @Get(PAGE_ROUTES.standings)
  async standings(@Param('boardPage', IdPipe) id: number, @Query() query: StandingsPageQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const admin = isAdminRequest(req);
    const rendered = await this.web.standingsPage(context(query), id, admin, { q: query.q?.trim() ?? '', page: query.page ?? 1 });
    if (notModified(req, res, rendered.etag, admin ? 'private' : 'public')) {
      res.end();
      return;
    }
    res.type('html').send(rendered.body);
  }

  @Get(PAGE_ROUTES.entry)
  async entry(
    @Param('boardPage', IdPipe) id: number,
    @Param('entryKey') key: string,
    @Query() query: PageQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.web.entry(context(query), id, key, isAdminRequest(req)));
  }

  @Get(PAGE_ROUTES.rider)
  async rider(@Param('riderPage', IdPipe) id: number, @Query() query: PageQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.web.rider(context(query), id, isAdminRequest(req)));
  }

  /** The icon the pages and the console link (not content-hashed: the console's index.html names it too), cached for a day. */
  @Get(PAGE_ROUTES.icon)
  @Header('Cache-Control', `public, max-age=${DAY_S}`)
  icon(@Res() res: Response): void {
    res.type('image/svg+xml').send(ICON_SVG);
  }

  /** The stylesheet and the live-update script, under content-hashed names: cached for a year. */
  @Get(PAGE_ROUTES.asset)
  @Header('Cache-Control', `public, max-age=${YEAR_S}, immutable`)
  asset(@Param('assetName') name: string, @Res() res: Response): void {
    const asset = Object.values(ASSETS).find((a) => a.path === `/assets/${name}`);
    if (!asset) throw new NotFoundException(`No asset ${name}`);
    res.type(asset.type).send(asset.body);
  }
}

function context(query: PageQuery): PageContext {
  return { t: en, embed: query.embed === '1' };
}

function send(res: Response, page: Html): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Vary', 'Authorization');
  res.type('html').send(page.value);
}
