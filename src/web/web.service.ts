import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-errors';
import { RenderCache, Rendered, strongEtag } from '../common/http/render-cache';
import { StandingsRepository } from '../leaderboards/standings/standings.repository';
import { StandingsService, versionId, Visible } from '../leaderboards/standings/standings.service';
import { Html } from './html';
import { ago } from './pages/format';
import { PageContext } from './pages/layout';
import { BoardSummary, entryPage, homePage, RiderLine, riderPage, seriesPage } from './pages/other-pages';
import { AGO_MARK, standingsPage } from './pages/standings';
import { BoardRow, SeriesRow, WebRepository } from './web.repository';

/** Entries per page of a standings table (a 100-entry board prints on a few A4 pages). */
export const PAGE_SIZE = 100;

export interface StandingsRequest {
  q: string;
  page: number;
}

/** Builds the public pages from the repositories and the standings service's visibility rules. */
@Injectable()
export class WebService {
  constructor(
    private readonly pages: WebRepository,
    private readonly standings: StandingsService,
    private readonly standingsRows: StandingsRepository,
    private readonly cache: RenderCache,
  ) {}

  async home(ctx: PageContext, admin: boolean): Promise<Html> {
    const all = await this.pages.allSeries();
    const boards = new Map<number, BoardSummary[]>(all.map((s) => [s.id, []]));
    for (const summary of await this.summaries(ctx, all.map((s) => s.id), admin)) boards.get(summary.board.seriesId)!.push(summary);
    return homePage(ctx, all.map((s) => ({ series: s, latestEvent: s.latestEvent, boards: boards.get(s.id)! })));
  }

  async series(ctx: PageContext, id: number, admin: boolean): Promise<Html> {
    const series = await this.requireSeries(id);
    return seriesPage(ctx, series, await this.pages.events(id), await this.summaries(ctx, [id], admin));
  }

  /**
   * The standings page, rendered once per standings version and page parameters (RenderCache);
   * only "updated 3 minutes ago" is filled in per request, and the ETag follows it.
   */
  async standingsPage(ctx: PageContext, id: number, admin: boolean, req: StandingsRequest): Promise<Rendered> {
    const board = await this.requireBoard(id, admin);
    const visible = await this.standings.visible(id, admin, 'page');
    const { head } = visible;
    const key = ['page', id, `${head.resultSetId}.${head.version}`, visible.shownState, visible.revisionPending, req.q, req.page, ctx.embed, ctx.t.lang].join('|');
    const rendered = await this.cache.get(key, async () => (await this.renderStandings(ctx, board, visible, req)).value);
    const since = head.computedAt ? ago(ctx.t, head.computedAt) : '';
    return { body: rendered.body.replace(AGO_MARK, since), etag: strongEtag(rendered.etag + since) };
  }

  async entry(ctx: PageContext, id: number, key: string, admin: boolean): Promise<Html> {
    const board = await this.requireBoard(id, admin);
    const visible = await this.standings.visible(id, admin, key);
    const { entry, total } = await this.standings.entry(id, visible, key);
    return entryPage(ctx, (await this.pages.series(board.seriesId))!, board, entry, total);
  }

  /**
   * A rider's entry on each board that shows one, in a fixed number of statements whatever the
   * number of boards: the boards, what each shows (the same rule as its own standings), the
   * rider's entry in each set shown, their series.
   */
  async rider(ctx: PageContext, participantId: number, admin: boolean): Promise<Html> {
    const name = await this.pages.riderName(participantId);
    if (name === null) throw new NotFoundError('Rider', participantId);
    const boards = (await this.pages.riderBoards(participantId)).filter((board) => board.active || admin);
    const shown = await this.standings.shownStates(boards.map((board) => board.id), admin);
    const entries = await this.standingsRows.byKeyIn([...shown.values()].map((state) => state.resultSetId), `p:${participantId}`);
    const series = await this.pages.seriesByIds([...new Set(boards.map((board) => board.seriesId))]);
    const lines: RiderLine[] = [];
    for (const board of boards) {
      const state = shown.get(board.id);
      const entry = state && entries.get(state.resultSetId);
      if (state && entry) lines.push({ series: series.get(board.seriesId)!, board, entry, state: ctx.t.states[state.shownAs] ?? state.shownAs });
    }
    return riderPage(ctx, name, lines);
  }

  private async renderStandings(ctx: PageContext, board: BoardRow, visible: Visible, req: StandingsRequest): Promise<Html> {
    const series = (await this.pages.series(board.seriesId))!;
    const offset = (req.page - 1) * PAGE_SIZE;
    const { entries, total } = req.q
      ? await this.standingsRows.search(visible.head.resultSetId, req.q, offset, PAGE_SIZE)
      : { entries: await this.standingsRows.page(visible.head.resultSetId, offset, PAGE_SIZE), total: visible.head.total };
    const positions = entries.map((e) => e.position).filter((p): p is number => p !== null);
    return standingsPage(ctx, {
      series,
      board,
      events: await this.pages.countedEvents(board.id),
      state: visible.shownState,
      provisional: visible.shownAs === 'PROVISIONAL',
      stale: visible.stale,
      revisionPending: visible.revisionPending,
      computedAt: visible.head.computedAt,
      entries,
      tied: await this.standingsRows.tiedPositions(visible.head.resultSetId, positions),
      q: req.q,
      page: req.page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      total,
      streamUrl: `/api/leaderboards/${board.id}/standings/stream?since=${versionId(visible.head)}`,
      version: versionId(visible.head),
    });
  }

  /** Each board of these series with the state this reader may see (null: nothing to show), in a fixed number of statements. */
  private async summaries(ctx: PageContext, seriesIds: number[], admin: boolean): Promise<BoardSummary[]> {
    const boards = (await this.pages.boardsOf(seriesIds)).filter((board) => board.active || admin);
    const shown = await this.standings.shownStates(boards.map((board) => board.id), admin);
    return boards.map((board) => {
      const state = shown.get(board.id);
      return { board, state: state ? (ctx.t.states[state.shownAs] ?? state.shownAs) : null, stale: state?.stale ?? false };
    });
  }

  private async requireSeries(id: number): Promise<SeriesRow> {
    const series = await this.pages.series(id);
    if (!series) throw new NotFoundError('Series', id);
    return series;
  }

  /** An inactive board is the admins' business, like a missing one to the public. */
  private async requireBoard(id: number, admin: boolean): Promise<BoardRow> {
    const board = await this.pages.board(id);
    if (!board || (!board.active && !admin)) throw new NotFoundError('Leaderboard', id);
    return board;
  }
}
