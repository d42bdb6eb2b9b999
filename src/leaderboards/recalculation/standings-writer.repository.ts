import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';
import type { StandingsTable } from '../../calculators';
import { entryFingerprint, sameBreakdown } from '../../calculators/fingerprint';
import { execute, returning } from '../../common/database/execute';
import { ConflictError } from '../../common/errors/domain-errors';
import { ResultSetState, stateCode, stateFromCode, stateSql } from '../../common/result-set-state';
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
  standings_fingerprints: string | null;
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

    // The fingerprints of the rows the set holds now: none in a new set.
    let stored: Map<string, string | null> | null = new Map();
    switch (plan.kind) {
      case 'CREATE':
        resultSetId = await this.createSet(manager, leaderboardId, plan.state, null);
        state = plan.state;
        break;
      case 'IN_PLACE':
        resultSetId = live!.id;
        state = plan.restoreTo ?? stateFromCode(live!.state);
        if (plan.restoreTo) await this.restore(manager, live!, plan.restoreTo);
        stored = live!.standings_fingerprints === null ? null : new Map(JSON.parse(live!.standings_fingerprints));
        break;
      case 'CLONE':
        await this.casState(manager, live!.id, live!.state, 'REPLACED', null);
        resultSetId = await this.createSet(manager, leaderboardId, 'DRAFT', live!.id);
        state = 'DRAFT';
        replacedId = live!.id;
        break;
    }
    const { fingerprints, ...counts } = await this.upsertRows(manager, resultSetId, standings, stored);
    await manager.query(
      `UPDATE result_set SET computed_at = now(), error_message = NULL, updated_at = now(),
              standings_fingerprints = COALESCE($2, standings_fingerprints)
        WHERE id = $1`,
      [resultSetId, fingerprints],
    );
    return { resultSetId, state, replacedId, ...counts };
  }

  /** The run failed: the live set goes FAILED with the message; its rows stay as they were. */
  async markFailed(manager: EntityManager, leaderboardId: number, initialState: ResultSetState, message: string): Promise<number> {
    const live = await this.lockLive(manager, leaderboardId);
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

  private async lockLive(manager: EntityManager, leaderboardId: number): Promise<LiveRow | null> {
    const rows: LiveRow[] = await manager.query(
      `SELECT id, state, state_before_failure, standings_fingerprints FROM result_set WHERE leaderboard_id = $1 AND state <> ${stateSql('REPLACED')} FOR UPDATE`,
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
      `UPDATE result_set SET state = $3::char(1), state_before_failure = $4, error_message = $5, updated_at = now(),
              -- a FAILED set is replaced as the state it stood for
              replaced_from = CASE WHEN $3::char(1) = ${stateSql('REPLACED')} THEN (CASE WHEN state = ${stateSql('FAILED')} THEN state_before_failure ELSE state END) ELSE replaced_from END
        WHERE id = $1 AND state = $2`,
      [id, fromCode, stateCode(to), stateBeforeFailure && stateCode(stateBeforeFailure), errorMessage],
    );
    if (count !== 1) throw new ConflictError(`Standings set ${id} changed state meanwhile`);
  }

  /**
   * Brings the set's standings rows in line with `standings`. Each row has a fingerprint (the
   * calculators' digests of its values and of its breakdown), and the set keeps them all by
   * key (`stored`; null when it does not, and the rows' own are read), so "did it change" is
   * one comparison in memory, and only the breakdowns that changed are ever built. The changed
   * rows are streamed with COPY into a temporary staging table (a row at a time: no document of
   * every breakdown is ever held) and written from there, one statement per kind of change;
   * dropped keys are deleted by key, and an unchanged board sends nothing. Returns the
   * fingerprints to keep on the set when anything changed (null: keep those it has).
   * A row whose stored fingerprint differs (or is missing: rows written before fingerprints)
   * is compared value by value in SQL, so it only counts as updated if a value changed.
   */
  private async upsertRows(manager: EntityManager, resultSetId: number, standings: StandingsTable, stored: Map<string, string | null> | null) {
    const client = (await manager.queryRunner!.connect()) as PoolClient;
    const known = stored !== null;
    if (stored === null) {
      const { rows } = await client.query<[string, string | null]>({
        text: `SELECT group_key, fingerprint FROM race_result WHERE result_set_id = $1 AND group_key IS NOT NULL`,
        values: [resultSetId],
        rowMode: 'array',
      });
      stored = new Map(rows);
    }
    const { changed, counts, kept, fingerprints } = planRows(standings, stored);

    let inserted = 0;
    let updated = 0;
    if (changed.length > 0) {
      await stageRows(client, standings, changed);
      if (counts.I > 0) inserted = await execute(manager, INSERT_STAGED, [resultSetId]);
      for (const [op, sql] of [['U', UPDATE_STAGED], ['V', UPDATE_STAGED_VALUES]] as const) {
        if (counts[op] === 0) continue;
        for (const row of await returning<{ changed: boolean }>(manager, sql, [resultSetId])) if (row.changed) updated++;
      }
    }

    // Only if some stored key was not among the standings' keys is there anything to delete.
    let deleted = 0;
    if (kept < stored.size) {
      const current = new Set(standings.entries.map((e) => e.key));
      const dropped = [...stored.keys()].filter((key) => !current.has(key));
      deleted = await execute(manager, `DELETE FROM race_result WHERE result_set_id = $1 AND group_key = ANY($2::text[])`, [resultSetId, dropped]);
    }
    const unchanged = known && changed.length === 0 && kept === stored.size;
    return { inserted, updated, deleted, fingerprints: unchanged ? null : JSON.stringify(fingerprints) };
  }
}

/**
 * Which entries to write and how, from the stored fingerprints by key; `kept` counts the
 * entries whose key is stored; `fingerprints` are every entry's, by key.
 */
function planRows(standings: StandingsTable, stored: Map<string, string | null>) {
  const changed: Staged[] = [];
  const counts = { I: 0, U: 0, V: 0 };
  const fingerprints: [string, string][] = [];
  let kept = 0;
  for (let i = 0; i < standings.entries.length; i++) {
    const { key } = standings.entries[i];
    const previous = stored.get(key);
    const current = entryFingerprint(standings, i);
    const { fingerprint } = current;
    fingerprints.push([key, fingerprint]);
    if (previous !== undefined) kept += 1;
    if (fingerprint === previous) continue;
    const op = previous === undefined ? 'I' : sameBreakdown(previous, current) ? 'V' : 'U';
    changed.push({ index: i, fingerprint, op });
    counts[op] += 1;
  }
  return { changed, counts, kept, fingerprints };
}

/** An entry to write: I a new row, U a changed breakdown (and maybe values), V changed values only. */
interface Staged {
  index: number;
  fingerprint: string;
  op: 'I' | 'U' | 'V';
}

/**
 * The staging table: one per connection, emptied at every commit. `op` as in Staged; the
 * breakdown is only sent for I and U.
 */
const STAGING_TABLE = `CREATE TEMPORARY TABLE IF NOT EXISTS standings_staged (
  op "char", participant_id integer, custom1_id integer, category text, position integer, points double precision,
  seq integer, name text, group_name text, group_key text, fingerprint text, breakdown jsonb) ON COMMIT DELETE ROWS`;
const STAGED_COLUMNS = 'participant_id, custom1_id, category, position, points, seq, name, group_name, group_key, fingerprint, breakdown';

const INSERT_STAGED = `
  INSERT INTO race_result (result_set_id, ${STAGED_COLUMNS})
  SELECT $1, ${STAGED_COLUMNS} FROM standings_staged WHERE op = 'I'`;

/** The values a standings row holds besides its key, fingerprint and breakdown. */
const VALUE_COLUMNS = ['participant_id', 'custom1_id', 'category', 'position', 'points', 'seq', 'name', 'group_name'];

/**
 * Writes the staged rows of kind `op` over the stored ones (their fingerprint and `columns`)
 * and reports, per row, whether any stored value differed (the self-join `o` is the row as it
 * was before this statement).
 */
function updateStaged(op: 'U' | 'V', columns: string[]): string {
  const list = (alias: string) => columns.map((c) => `${alias}.${c}`).join(', ');
  return `
  UPDATE race_result r
     SET ${columns.map((c) => `${c} = s.${c}`).join(', ')}, fingerprint = s.fingerprint
    FROM standings_staged s, race_result o
   WHERE s.op = '${op}' AND r.result_set_id = $1 AND r.group_key = s.group_key AND o.id = r.id
  RETURNING (${list('o')}) IS DISTINCT FROM (${list('s')}) AS changed`;
}

/** Rows whose breakdown changed: every value and the breakdown. */
const UPDATE_STAGED = updateStaged('U', [...VALUE_COLUMNS, 'breakdown']);

/**
 * Rows whose breakdown is unchanged: the values only. The stored breakdown is neither sent,
 * nor parsed, nor written again (the new row version keeps its TOAST pointer).
 */
const UPDATE_STAGED_VALUES = updateStaged('V', VALUE_COLUMNS);

/** Characters of COPY text that go in 32 KB strings: small enough to stay out of V8's large-object space. */
const COPY_CHUNK_CHARS = 32 * 1024;

/** Streams the changed entries, their breakdowns built one at a time, into the staging table. */
async function stageRows(client: PoolClient, standings: StandingsTable, changed: Staged[]): Promise<void> {
  // IF NOT EXISTS would answer a notice on every run after the first on this connection.
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('pg_temp.standings_staged') IS NOT NULL AS exists`);
  if (!rows[0].exists) await client.query(STAGING_TABLE);
  await pipeline(Readable.from(copyText(standings, changed)), client.query(copyFrom(`COPY standings_staged FROM STDIN`)));
}

function* copyText(standings: StandingsTable, changed: Staged[]): Generator<string> {
  let chunk = '';
  for (const { index, fingerprint, op } of changed) {
    const e = standings.entries[index];
    chunk += [
      op, e.participantId, e.customValueId, e.category, e.position, e.points, e.seq, e.name, e.group, e.key, fingerprint,
      op === 'V' ? null : JSON.stringify(standings.breakdown(index)),
    ].map(copyField).join('\t') + '\n';
    if (chunk.length >= COPY_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** A value in COPY's text format: \N for null, and backslash, tab, newline and return escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return COPY_SPECIAL.test(value) ? value.replace(COPY_ESCAPES, (c) => COPY_ESCAPED[c]) : value;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES = /[\\\t\n\r]/g;
const COPY_ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function toLive(row: LiveRow): LiveStandings {
  return { state: stateFromCode(row.state), stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null };
}
