import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain-errors';
import { isPublicSet, SetVisibility } from '../../common/audience';
import { ResultSetState } from '../../common/result-set-state';
import { StandingsEntryLookupView, StandingsView } from './standings.dto';
import { StandingsHead, StandingsRepository } from './standings.repository';

export interface Visible {
  head: StandingsHead;
  /** The state readers are shown: a FAILED set shows as the state it had, flagged stale. */
  shownAs: ResultSetState;
  /** `state` of the answer: the set's own, except that a replaced set shows the state it was published in. */
  shownState: ResultSetState;
  stale: boolean;
  /** Weak validator for conditional GETs: changes whenever the set is written. */
  etag: string;
  /** Admins only: a DRAFT revision of published standings is being worked on (the public sees the published set). */
  revisionPending: boolean;
}

/** What a reader is shown of a board's standings (StandingsService.shownStates). */
export interface ShownState {
  /** The standings set shown (the published one while a DRAFT revision is worked on, to the public). */
  resultSetId: number;
  shownAs: ResultSetState;
  stale: boolean;
}

/** What each audience is shown of a board's standings, by version (StandingsService.shownVersions). */
export interface ShownVersions {
  admin: string;
  public: string;
}

const NO_VERSION = '0';

/** A standings set's version as pages and streams name it. */
export const versionId = (head: Pick<StandingsHead, 'resultSetId' | 'version'>): string => `${head.resultSetId}.${head.version}`;

@Injectable()
export class StandingsService {
  constructor(
    private readonly standings: StandingsRepository,
  ) {}

  /**
   * Public when PROVISIONAL or APPROVED (FAILED: the last good rows, stale). While a DRAFT
   * revision of published standings is worked on, the public sees the published set it
   * replaces (DESIGN.md). Otherwise admins only, and 404 to the public like a board without
   * standings, so nothing can be probed.
   */
  async visible(leaderboardId: number, admin: boolean, variant: string): Promise<Visible> {
    const head = await this.standings.head(leaderboardId);
    if (!head) {
      if (!(await this.standings.boardExists(leaderboardId))) throw new NotFoundError('Leaderboard', leaderboardId);
      throw new NotFoundError('Standings of leaderboard', `${leaderboardId} (not computed yet)`);
    }
    const chosen = choose(head, await this.predecessorOf(head), admin);
    if (!chosen) throw new NotFoundError('Standings of leaderboard', leaderboardId);
    return visibleAs(chosen.set, chosen.shownAs, variant, chosen.revisionPending);
  }

  /**
   * What readers of each of these boards are shown of its standings, as visible() decides, for
   * many boards in one statement (the pages that list boards); absent: nothing to show.
   */
  async shownStates(leaderboardIds: number[], admin: boolean): Promise<Map<number, ShownState>> {
    const shown = new Map<number, ShownState>();
    for (const [board, head] of await this.standings.shownSets(leaderboardIds)) {
      const chosen = choose(head, head.publishedPredecessor, admin);
      if (chosen) shown.set(board, { resultSetId: chosen.set.resultSetId, shownAs: chosen.shownAs, stale: chosen.set.state === 'FAILED' });
    }
    return shown;
  }

  /**
   * The version of the standings each audience is shown ("<set id>.<version>", as a live page's
   * `since`; '0' for none): the public's is the published set while a DRAFT revision is worked
   * on, so a change only admins can see is not announced to the public.
   */
  async shownVersions(leaderboardId: number): Promise<ShownVersions> {
    const head = await this.standings.head(leaderboardId);
    if (!head) return { admin: NO_VERSION, public: NO_VERSION };
    const toPublic = choose(head, await this.predecessorOf(head), false);
    return { admin: versionId(head), public: toPublic ? versionId(toPublic.set) : NO_VERSION };
  }

  /** The published set a live DRAFT revision replaced; only looked up when the live set is not public itself. */
  private predecessorOf(head: StandingsHead): Promise<StandingsHead | null> {
    return isPublicSet(head) || head.replacesId === null ? Promise.resolve(null) : this.standings.publishedPredecessor(head.replacesId);
  }

  async page(leaderboardId: number, visible: Visible, offset: number, limit: number): Promise<StandingsView> {
    const { head, stale } = visible;
    return {
      leaderboardId,
      resultSetId: head.resultSetId,
      state: visible.shownState,
      provisional: visible.shownAs === 'PROVISIONAL',
      stale,
      ...(visible.revisionPending ? { revisionPending: true } : {}),
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
    return { leaderboardId, state: visible.shownState, stale: visible.stale, total: visible.head.total, entry };
  }
}

/**
 * Public when PROVISIONAL or APPROVED (a FAILED set as the state it failed from); a DRAFT
 * revision of published standings shows the public the published set it replaced, admins the
 * revision (flagged); anything else is for admins only (null: nothing for this reader).
 */
function choose<S extends SetVisibility>(head: S, publishedPredecessor: S | null, admin: boolean): { set: S; shownAs: ResultSetState; revisionPending: boolean } | null {
  const ownState = head.state === 'FAILED' ? head.stateBeforeFailure! : head.state;
  if (isPublicSet(head)) return { set: head, shownAs: ownState, revisionPending: false };
  if (admin) return { set: head, shownAs: ownState, revisionPending: publishedPredecessor !== null };
  if (!publishedPredecessor) return null;
  return { set: publishedPredecessor, shownAs: publishedPredecessor.replacedFrom!, revisionPending: false };
}

function visibleAs(head: StandingsHead, shownAs: ResultSetState, variant: string, revisionPending: boolean): Visible {
  return {
    revisionPending,
    head,
    shownAs,
    shownState: head.state === 'REPLACED' ? shownAs : head.state,
    stale: head.state === 'FAILED',
    etag: `W/"${head.resultSetId}-${head.version}-${variant}"`,
  };
}
