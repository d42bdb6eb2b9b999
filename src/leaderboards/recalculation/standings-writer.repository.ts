import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { EntityManager } from 'typeorm';
import type { StandingHead, StandingsTable } from '../../calculators';
import { execute, returning } from '../../common/database/execute';
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
  async write(manager: EntityManager, leaderboardId: number, initialState: ResultSetState, standings: StandingsTable): Promise<WriteOutcome> {
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
    const counts = await this.upsertRows(manager, resultSetId, standings);
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

  /**
   * Brings the set's standings rows in line with `standings`. Each row stores a fingerprint
   * (the calculators' digest of every value it holds, breakdown included), so "did it change"
   * is one comparison in memory, and only the changed and new entries' breakdowns are ever
   * built: they are sent in bounded chunks, each one JSON parameter; dropped keys are deleted
   * by key, and an unchanged board sends nothing.
   * A row whose stored fingerprint differs (or is missing: rows written before fingerprints)
   * is compared value by value in SQL, so it only counts as updated if a value changed.
   */
  private async upsertRows(manager: EntityManager, resultSetId: number, standings: StandingsTable) {
    const client = (await manager.queryRunner!.connect()) as PoolClient;
    const stored = new Map<string, string | null>();
    const { rows } = await client.query<[string, string | null]>({
      text: `SELECT group_key, fingerprint FROM race_result WHERE result_set_id = $1 AND group_key IS NOT NULL`,
      values: [resultSetId],
      rowMode: 'array',
    });
    for (const [key, fingerprint] of rows) stored.set(key, fingerprint);

    let inserted = 0;
    let updated = 0;
    const inserts = new StagedChunk();
    const updates = new StagedChunk();
    const flushInserts = async () => {
      inserted += await execute(manager, INSERT_STAGED, [resultSetId, inserts.take()]);
    };
    const flushUpdates = async () => {
      const changed = await returning<{ changed: boolean }>(manager, UPDATE_STAGED, [resultSetId, updates.take()]);
      for (const row of changed) if (row.changed) updated++;
    };
    const seen = new Set<string>();
    const { entries } = standings;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      seen.add(entry.key);
      const previous = stored.get(entry.key);
      const row = stageRow(entry, FINGERPRINT_VERSION + standings.digest(i), previous, () => standings.breakdown(i));
      if (row === null) continue; // same fingerprint: nothing changed
      if (previous === undefined) {
        if (inserts.add(row)) await flushInserts();
      } else if (updates.add(row)) {
        await flushUpdates();
      }
    }
    if (!inserts.empty) await flushInserts();
    if (!updates.empty) await flushUpdates();

    const dropped = [...stored.keys()].filter((key) => !seen.has(key));
    const deleted = dropped.length === 0 ? 0 : await execute(manager,
      `DELETE FROM race_result WHERE result_set_id = $1 AND group_key = ANY($2::text[])`,
      [resultSetId, dropped],
    );
    return { inserted, updated, deleted };
  }
}

/** The staged JSON rows' fields (see stageRow), typed. */
const STAGED_COLUMNS = `s(participant_id integer, custom1_id integer, category text, position integer, points double precision,
     seq integer, name text, group_name text, group_key text, fingerprint text, breakdown jsonb)`;

const INSERT_STAGED = `
  INSERT INTO race_result (result_set_id, participant_id, custom1_id, category, position, points, seq, name, group_name, group_key, fingerprint, breakdown)
  SELECT $1, s.* FROM jsonb_to_recordset($2::jsonb) AS ${STAGED_COLUMNS}`;

/**
 * Writes the staged rows over the stored ones and reports, per row, whether any stored value
 * differed (the self-join `o` is the row as it was before this statement).
 */
const UPDATE_STAGED = `
  UPDATE race_result r
     SET participant_id = s.participant_id, custom1_id = s.custom1_id, category = s.category, position = s.position,
         points = s.points, seq = s.seq, name = s.name, group_name = s.group_name, breakdown = s.breakdown,
         fingerprint = s.fingerprint
    FROM jsonb_to_recordset($2::jsonb) AS ${STAGED_COLUMNS}, race_result o
   WHERE r.result_set_id = $1 AND r.group_key = s.group_key AND o.id = r.id
  RETURNING (o.participant_id, o.custom1_id, o.category, o.position, o.points, o.seq, o.name, o.group_name, o.breakdown)
            IS DISTINCT FROM (s.participant_id, s.custom1_id, s.category, s.position, s.points, s.seq, s.name, s.group_name, s.breakdown)
            AS changed`;

/** Marks the digest scheme, so fingerprints of another scheme (sha1 of the JSON, before) never match. */
const FINGERPRINT_VERSION = 'v2:';

/**
 * The entry as one JSON object (its values, key, fingerprint and breakdown), or null when its
 * fingerprint equals `stored`: then its breakdown is never built.
 */
function stageRow(entry: StandingHead, fingerprint: string, stored: string | null | undefined, breakdown: () => unknown): string | null {
  if (fingerprint === stored) return null;
  const values = JSON.stringify({
    participant_id: entry.participantId, custom1_id: entry.customValueId, category: entry.category, position: entry.position,
    points: entry.points, seq: entry.seq, name: entry.name, group_name: entry.group, group_key: entry.key, fingerprint,
  });
  return `${values.slice(0, -1)},"breakdown":${JSON.stringify(breakdown())}}`;
}

/** Rows staged for one statement; `add` says when the chunk is full enough to send. */
class StagedChunk {
  private static readonly MAX_CHARS = 4 * 2 ** 20;
  private parts: string[] = [];
  private chars = 0;

  get empty(): boolean {
    return this.parts.length === 0;
  }

  add(row: string): boolean {
    this.parts.push(row);
    this.chars += row.length;
    return this.chars >= StagedChunk.MAX_CHARS;
  }

  take(): string {
    const json = `[${this.parts.join(',')}]`;
    this.parts = [];
    this.chars = 0;
    return json;
  }
}

function toLive(row: LiveRow): LiveStandings {
  return { state: stateFromCode(row.state), stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null };
}
