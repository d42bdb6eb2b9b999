import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { StandingsTable } from '../../calculators';
import { execute } from '../../common/database/execute';
import { OneStatement } from '../../common/database/one-statement';
import { ConflictError } from '../../common/errors/domain-errors';
import { ResultSetState, stateCode, stateFromCode, stateSql } from '../../common/result-set-state';
import { LiveSetRead, LockedLiveSet, RowCountsSql, StandingsRowsRepository, StoredRows } from '../standings/standings-rows.repository';
import { FingerprintMemo } from './fingerprint-memo';
import { failedStateOf, LiveStandings, planStandingsWrite } from './standings-state';

export interface WriteOutcome {
  resultSetId: number;
  state: ResultSetState;
  inserted: number;
  updated: number;
  deleted: number;
  /** Set when an APPROVED or DELETED set was cloned: the original, now REPLACED. */
  replacedId: number | null;
}

/**
 * A write whose row changes are parts of the run's closing statement: `rows` counts them there;
 * `closed` is told that statement's answer row once it has run (the rows' ids are kept then).
 */
export type PlannedWrite = Omit<WriteOutcome, 'inserted' | 'updated' | 'deleted'> & {
  rows: RowCountsSql;
  closed(row: Record<string, unknown>): void;
  /** The write changes no row and no state (the rows' fingerprints were known and equal): see addQuietCommit. */
  quiet: boolean;
};

/**
 * Writes standings into the board's live result set under the state machine, in the caller's
 * transaction: this class moves the set through its states; the rows (keyed by group_key, only
 * changed rows touched, rows that dropped out removed) are StandingsRowsRepository's.
 */
@Injectable()
export class StandingsWriterRepository {
  constructor(
    private readonly rows: StandingsRowsRepository,
    private readonly memo: FingerprintMemo,
  ) {}

  /**
   * Adds to a run's opening statement the lock on the board's live set that write() needs
   * (liveOf reads it back).
   */
  addLockLive(opening: OneStatement, leaderboardId: number): void {
    this.rows.addLockLive(opening, leaderboardId, this.memo.keptFor(leaderboardId));
  }

  liveOf(row: Record<string, unknown>): LiveSetRead | null {
    return this.rows.liveOf(row);
  }

  /**
   * Writes into the live set `live`, locked by the run's opening statement (addLockLive): moves
   * the set through its states now; the row changes and the set's closing update (computed_at,
   * the fingerprints' token) are added to `closing`, the run's closing statement, which the
   * caller sends. The fingerprints this worker kept for the set (FingerprintMemo) are used when
   * `live` has their token, read in the opening statement under the board's lock.
   */
  async write(manager: EntityManager, leaderboardId: number, live: LiveSetRead | null, initialState: ResultSetState, standings: StandingsTable, closing: OneStatement): Promise<PlannedWrite> {
    const plan = planStandingsWrite(live && toLive(live), initialState);
    let resultSetId: number;
    let state: ResultSetState;
    let replacedId: number | null = null;

    // The fingerprints of the rows the set holds now: none in a new set.
    let stored: StoredRows | null = new Map();
    // Whether this worker kept none for the live set (its rows are read: cold).
    let cold = false;
    switch (plan.kind) {
      case 'CREATE':
        resultSetId = await this.createSet(manager, leaderboardId, plan.state, null);
        state = plan.state;
        break;
      case 'IN_PLACE':
        resultSetId = live!.id;
        state = plan.restoreTo ?? stateFromCode(live!.state);
        // Kept by this worker while the set has their token; else the rows' own, read by the
        // opening statement (cold fingerprints) or, for a large set, by upsert.
        stored = this.memo.get(leaderboardId, live!.id, live!.fingerprints_token);
        cold = stored === null;
        stored ??= live!.stored;
        if (plan.restoreTo) await this.restore(manager, live!, plan.restoreTo);
        break;
      case 'CLONE':
        await this.casState(manager, live!.id, live!.state, 'REPLACED', null);
        resultSetId = await this.createSet(manager, leaderboardId, 'DRAFT', live!.id);
        state = 'DRAFT';
        replacedId = live!.id;
        break;
    }
    const { rows, changed, rowsAfter } = await this.rows.upsert(manager, resultSetId, standings, stored, closing);
    // A new token whenever the rows change, or the set has none yet (written before tokens).
    // **Cold reads keep the token**: rows this worker did not keep, read now under the board's
    // lock and unchanged, are the rows of the set's token (every run that changes rows draws a
    // new one), so they are kept under it, and what other workers keep under it stays good. A new
    // token there made two workers take turns invalidating each other's fingerprints (BENCHMARKS.md,
    // issue 16, the two-worker fleet).
    const coldToken = cold ? live!.fingerprints_token : null;
    const token = changed || (cold && coldToken === null) ? randomUUID() : null;
    const keptUnder = token ?? coldToken;
    closing.with('standings_computed',
      `UPDATE result_set SET computed_at = now(), error_message = NULL, updated_at = now(),
              standings_fingerprints_token = COALESCE(${closing.param(token)}::uuid, standings_fingerprints_token)
        WHERE id = ${closing.param(resultSetId)}`);
    const closed = (row: Record<string, unknown>) => {
      if (keptUnder !== null) this.memo.keep(leaderboardId, resultSetId, keptUnder, rowsAfter(row));
    };
    const quiet = plan.kind === 'IN_PLACE' && !plan.restoreTo && token === null;
    return { resultSetId, state, replacedId, rows, closed, quiet };
  }

  /** The run failed: the live set goes FAILED with the message; its rows stay as they were. */
  async markFailed(manager: EntityManager, leaderboardId: number, initialState: ResultSetState, message: string): Promise<number> {
    const live = await this.rows.lockLive(manager, leaderboardId);
    const { stateBeforeFailure } = failedStateOf(live && toLive(live), initialState);
    if (live === null) {
      const [row]: { id: number }[] = await manager.query(
        `INSERT INTO result_set (leaderboard_id, state, state_before_failure, error_message) VALUES ($1, ${stateSql('FAILED')}, $2, $3) RETURNING id`,
        [leaderboardId, stateCode(stateBeforeFailure), message],
      );
      return row.id;
    }
    await this.casState(manager, live.id, live.state, 'FAILED', stateBeforeFailure, message);
    return live.id;
  }

  private async createSet(manager: EntityManager, leaderboardId: number, state: ResultSetState, replacesId: number | null): Promise<number> {
    const [row]: { id: number }[] = await manager.query(
      `INSERT INTO result_set (leaderboard_id, state, replaces_id) VALUES ($1, $2, $3) RETURNING id`,
      [leaderboardId, stateCode(state), replacesId],
    );
    return row.id;
  }

  private restore(manager: EntityManager, live: LockedLiveSet, to: ResultSetState): Promise<void> {
    return this.casState(manager, live.id, live.state, to, null);
  }

  /** Compare-and-set on the state code the row was locked with. */
  private async casState(
    manager: EntityManager,
    id: number,
    fromCode: string,
    to: ResultSetState,
    stateBeforeFailure: ResultSetState | null,
    errorMessage: string | null = null,
  ): Promise<void> {
    const count = await execute(manager,
      `UPDATE result_set SET state = $3::char(1), state_before_failure = $4, error_message = $5, updated_at = now(),
              -- a FAILED set is replaced as the state it stood for
              replaced_from = CASE WHEN $3::char(1) = ${stateSql('REPLACED')} THEN (CASE WHEN state = ${stateSql('FAILED')} THEN state_before_failure ELSE state END) ELSE replaced_from END
        WHERE id = $1 AND state = $2`,
      [id, fromCode, stateCode(to), stateBeforeFailure && stateCode(stateBeforeFailure), errorMessage],
    );
    if (count !== 1) throw new ConflictError(`Standings set ${id} changed state meanwhile`);
  }
}

function toLive(row: LockedLiveSet): LiveStandings {
  return { state: stateFromCode(row.state), stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null };
}
