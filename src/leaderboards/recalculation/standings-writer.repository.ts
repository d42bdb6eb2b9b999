import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { StandingEntry } from '../../calculators';
import { execute } from '../../common/database/execute';
import { ConflictError } from '../../common/errors/domain-errors';
import { ResultSetState, stateCode, stateFromCode } from '../../common/result-set-state';
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

interface LiveRow {
  id: number;
  state: string;
  state_before_failure: string | null;
}

/**
 * Writes standings into the board's live result set under the state machine, in the caller's
 * transaction: rows keyed by group_key, only changed rows touched, rows that dropped out removed.
 */
@Injectable()
export class StandingsWriterRepository {
  async write(manager: EntityManager, leaderboardId: number, initialState: ResultSetState, entries: StandingEntry[]): Promise<WriteOutcome> {
    const live = await this.lockLive(manager, leaderboardId);
    const plan = planStandingsWrite(live && toLive(live), initialState);
    let resultSetId: number;
    let state: ResultSetState;
    let replacedId: number | null = null;

    switch (plan.kind) {
      case 'CREATE':
        resultSetId = await this.createSet(manager, leaderboardId, plan.state, null);
        state = plan.state;
        break;
      case 'IN_PLACE':
        resultSetId = live!.id;
        state = plan.restoreTo ?? stateFromCode(live!.state);
        if (plan.restoreTo) await this.restore(manager, live!, plan.restoreTo);
        break;
      case 'CLONE':
        await this.casState(manager, live!.id, live!.state, 'REPLACED', null);
        resultSetId = await this.createSet(manager, leaderboardId, 'DRAFT', live!.id);
        state = 'DRAFT';
        replacedId = live!.id;
        break;
    }
    const counts = await this.upsertRows(manager, resultSetId, entries);
    await manager.query(
      `UPDATE result_set SET computed_at = now(), error_message = NULL, updated_at = now() WHERE id = $1`,
      [resultSetId],
    );
    return { resultSetId, state, replacedId, ...counts };
  }

  /** The run failed: the live set goes FAILED with the message; its rows stay as they were. */
  async markFailed(manager: EntityManager, leaderboardId: number, initialState: ResultSetState, message: string): Promise<number> {
    const live = await this.lockLive(manager, leaderboardId);
    const { stateBeforeFailure } = failedStateOf(live && toLive(live), initialState);
    if (live === null) {
      const [row]: { id: number }[] = await manager.query(
        `INSERT INTO result_set (leaderboard_id, state, state_before_failure, error_message) VALUES ($1, 'F', $2, $3) RETURNING id`,
        [leaderboardId, stateCode(stateBeforeFailure), message],
      );
      return row.id;
    }
    await this.casState(manager, live.id, live.state, 'FAILED', stateBeforeFailure, message);
    return live.id;
  }

  private async lockLive(manager: EntityManager, leaderboardId: number): Promise<LiveRow | null> {
    const rows: LiveRow[] = await manager.query(
      `SELECT id, state, state_before_failure FROM result_set WHERE leaderboard_id = $1 AND state <> 'R' FOR UPDATE`,
      [leaderboardId],
    );
    return rows[0] ?? null;
  }

  private async createSet(manager: EntityManager, leaderboardId: number, state: ResultSetState, replacesId: number | null): Promise<number> {
    const [row]: { id: number }[] = await manager.query(
      `INSERT INTO result_set (leaderboard_id, state, replaces_id) VALUES ($1, $2, $3) RETURNING id`,
      [leaderboardId, stateCode(state), replacesId],
    );
    return row.id;
  }

  private restore(manager: EntityManager, live: LiveRow, to: ResultSetState): Promise<void> {
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
      `UPDATE result_set SET state = $3, state_before_failure = $4, error_message = $5, updated_at = now()
        WHERE id = $1 AND state = $2`,
      [id, fromCode, stateCode(to), stateBeforeFailure && stateCode(stateBeforeFailure), errorMessage],
    );
    if (count !== 1) throw new ConflictError(`Standings set ${id} changed state meanwhile`);
  }

  private async upsertRows(manager: EntityManager, resultSetId: number, entries: StandingEntry[]) {
    await manager.query(`
      CREATE TEMP TABLE IF NOT EXISTS standings_stage (
        group_key text PRIMARY KEY, participant_id integer, custom1_id integer, category text,
        position integer, points double precision, seq integer, name text, group_name text, breakdown jsonb
      ) ON COMMIT DROP`);
    // One JSON document rather than ten arrays: the driver does not have to quote every
    // breakdown into an array literal, and PostgreSQL parses it once.
    await manager.query(
      `INSERT INTO standings_stage
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(group_key text, participant_id integer, custom1_id integer, category text,
                                                        position integer, points double precision, seq integer, name text,
                                                        group_name text, breakdown jsonb)`,
      [
        JSON.stringify(
          entries.map((e) => ({
            group_key: e.key, participant_id: e.participantId, custom1_id: e.customValueId, category: e.category, position: e.position,
            points: e.points, seq: e.seq, name: e.name, group_name: e.group, breakdown: e.breakdown,
          })),
        ),
      ],
    );
    const deleted = await execute(manager,
      `DELETE FROM race_result r WHERE r.result_set_id = $1 AND r.group_key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM standings_stage s WHERE s.group_key = r.group_key)`,
      [resultSetId],
    );
    const updated = await execute(manager,
      `UPDATE race_result r
          SET participant_id = s.participant_id, custom1_id = s.custom1_id, category = s.category, position = s.position,
              points = s.points, seq = s.seq, name = s.name, group_name = s.group_name, breakdown = s.breakdown
         FROM standings_stage s
        WHERE r.result_set_id = $1 AND r.group_key = s.group_key
          AND (r.participant_id, r.custom1_id, r.category, r.position, r.points, r.seq, r.name, r.group_name, r.breakdown)
              IS DISTINCT FROM (s.participant_id, s.custom1_id, s.category, s.position, s.points, s.seq, s.name, s.group_name, s.breakdown)`,
      [resultSetId],
    );
    const inserted = await execute(manager,
      `INSERT INTO race_result (result_set_id, group_key, participant_id, custom1_id, category, position, points, seq, name, group_name, breakdown)
       SELECT $1, s.group_key, s.participant_id, s.custom1_id, s.category, s.position, s.points, s.seq, s.name, s.group_name, s.breakdown
         FROM standings_stage s
        WHERE NOT EXISTS (SELECT 1 FROM race_result r WHERE r.result_set_id = $1 AND r.group_key = s.group_key)`,
      [resultSetId],
    );
    await manager.query('DROP TABLE standings_stage');
    return { inserted, updated, deleted };
  }
}

function toLive(row: LiveRow): LiveStandings {
  return { state: stateFromCode(row.state), stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null };
}
