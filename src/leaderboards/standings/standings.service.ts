import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-errors';
import { isPublicSet } from '../../common/audience';
import { ResultSetState } from '../../common/result-set-state';
import { StandingsEntryLookupView, StandingsView } from './standings.dto';
import { StandingsHead, StandingsRepository } from './standings.repository';

export interface Visible {
  head: StandingsHead;
  /** The state readers are shown: a FAILED set shows as the state it had, flagged stale. */
  shownAs: ResultSetState;
  stale: boolean;
  /** Weak validator for conditional GETs: changes whenever the set is written. */
  etag: string;
}

@Injectable()
export class StandingsService {
  constructor(
    private readonly standings: StandingsRepository,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Public when PROVISIONAL or APPROVED (FAILED: the last good rows, stale); otherwise admins
   * only, and 404 to the public like a board without standings, so nothing can be probed.
   */
  async visible(leaderboardId: number, admin: boolean, variant: string): Promise<Visible> {
    const head = await this.standings.head(leaderboardId);
    if (!head) {
      const [board] = await this.dataSource.query('SELECT 1 FROM leaderboard WHERE id = $1', [leaderboardId]);
      if (!board) throw new NotFoundError('Leaderboard', leaderboardId);
      throw new NotFoundError('Standings of leaderboard', `${leaderboardId} (not computed yet)`);
    }
    const stale = head.state === 'FAILED';
    const shownAs = stale ? head.stateBeforeFailure! : head.state;
    if (!admin && !isPublicSet({ ...head, replacedFrom: null })) {
      throw new NotFoundError('Standings of leaderboard', leaderboardId);
    }
    return { head, shownAs, stale, etag: `W/"${head.resultSetId}-${head.version}-${variant}"` };
  }

  async page(leaderboardId: number, visible: Visible, offset: number, limit: number): Promise<StandingsView> {
    const { head, stale } = visible;
    return {
      leaderboardId,
      resultSetId: head.resultSetId,
      state: head.state,
      provisional: visible.shownAs === 'PROVISIONAL',
      stale,
      computedAt: head.computedAt?.toISOString() ?? null,
      total: head.total,
      offset,
      limit,
      entries: await this.standings.page(head.resultSetId, offset, limit),
    };
  }

  async entry(leaderboardId: number, visible: Visible, key: string): Promise<StandingsEntryLookupView> {
    const entry = await this.standings.byKey(visible.head.resultSetId, key);
    if (!entry) throw new NotFoundError(`Entry of leaderboard ${leaderboardId} with key`, key);
    return { leaderboardId, state: visible.head.state, stale: visible.stale, total: visible.head.total, entry };
  }
}
