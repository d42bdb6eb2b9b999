import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';
import type { StandingsTable } from '../../calculators';
import { entryFingerprint, sameBreakdown } from '../../calculators/fingerprint';
import { execute, returning } from '../../common/database/execute';
import { OneStatement } from '../../common/database/one-statement';
import { rawClient } from '../../common/database/raw-client';
import { PUBLIC_STATES_SQL, ResultSetState, stateFromCode, stateSql } from '../../common/result-set-state';
import { StandingsEntryView } from './standings.dto';

/**
 * race_result and result_set hold race rows and standings rows alike (DESIGN.md): a standings
 * row is one with a group_key (its entry's key), in a set with a leaderboard_id. This file is
 * the one place that says so; race rows are RaceRowsRepository's.
 */
export const STANDINGS_ROW = (row: string): string => `${row}.group_key IS NOT NULL`;

/**
 * The board's live standings set: the one that is not REPLACED (at most one; the database
 * enforces it). `board` is the SQL for the board's id (a parameter).
 */
export const LIVE_STANDINGS_SET = (set: string, board: string): string => `${set}.leaderboard_id = ${board} AND ${set}.state <> ${stateSql('REPLACED')}`;

/** What a query runs on: the pooled DataSource for reads, a transaction's EntityManager for writes. */
type Queryable = Pick<EntityManager, 'query'>;

export interface StandingsHead {
  resultSetId: number;
  state: ResultSetState;
  stateBeforeFailure: ResultSetState | null;
  replacesId: number | null;
  replacedFrom: ResultSetState | null;
  computedAt: Date | null;
  version: number;
  total: number;
}

/** The live set as the writer locks it: its state, and the fingerprints of its rows by key (JSON). */
export interface LockedLiveSet {
  id: number;
  state: string;
  state_before_failure: string | null;
  standings_fingerprints: string | null;
}

const LIVE_COLUMNS = ['id', 'state', 'state_before_failure', 'standings_fingerprints'] as const;

/**
 * How many standings rows the run's closing statement inserts, updates and deletes: SQL
 * expressions over that statement's parts (the writes are parts of it), or constants.
 */
export interface RowCountsSql {
  inserted: string;
  updated: string;
  deleted: string;
}

export interface UpsertOutcome {
  rows: RowCountsSql;
  /** The fingerprints to keep on the set (JSON), or null: keep those it has. */
  fingerprints: string | null;
}

interface EntryRow {
  position: number | null;
  points: number;
  seq: number;
  group_key: string;
  name: string;
  group_name: string | null;
  category: string | null;
  breakdown: unknown;
}

const ENTRY_COLUMNS = 'position, points, seq, group_key, name, group_name, category, breakdown';

/**
 * Every statement on standings rows, read and write, and the live standings set's predicate
 * and lock. Reads take the pooled DataSource or a transaction's manager; writes take the
 * writer's transaction.
 */
@Injectable()
export class StandingsRowsRepository {
  /** The board's live standings set. */
  head(on: Queryable, leaderboardId: number): Promise<StandingsHead | null> {
    return this.headWhere(on, LIVE_STANDINGS_SET('s', '$1'), leaderboardId);
  }

  /**
   * The set a live DRAFT revision replaced, when it was published (PROVISIONAL or APPROVED)
   * then: the public keeps seeing it until the revision is published.
   */
  publishedPredecessor(on: Queryable, resultSetId: number): Promise<StandingsHead | null> {
    return this.headWhere(on, `s.id = $1 AND s.state = ${stateSql('REPLACED')} AND s.replaced_from IN ${PUBLIC_STATES_SQL}`, resultSetId);
  }

  private async headWhere(on: Queryable, where: string, param: number): Promise<StandingsHead | null> {
    const rows: { id: number; state: string; state_before_failure: string | null; replaces_id: number | null; replaced_from: string | null; computed_at: Date | null; version: string; total: number }[] =
      await on.query(
        `SELECT s.id, s.state, s.state_before_failure, s.replaces_id, s.replaced_from, s.computed_at,
                (extract(epoch FROM s.updated_at) * 1000000)::bigint AS version,
                (SELECT count(*)::int FROM race_result r WHERE r.result_set_id = s.id AND ${STANDINGS_ROW('r')}) AS total
           FROM result_set s WHERE ${where}`,
        [param],
      );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      resultSetId: row.id,
      state: stateFromCode(row.state),
      stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null,
      replacesId: row.replaces_id,
      replacedFrom: row.replaced_from ? stateFromCode(row.replaced_from) : null,
      computedAt: row.computed_at,
      version: Number(row.version),
      total: row.total,
    };
  }

  async page(on: Queryable, resultSetId: number, offset: number, limit: number): Promise<StandingsEntryView[]> {
    const rows: EntryRow[] = await on.query(
      `SELECT ${ENTRY_COLUMNS} FROM race_result r
        WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')} ORDER BY seq OFFSET $2 LIMIT $3`,
      [resultSetId, offset, limit],
    );
    return rows.map(toEntry);
  }

  /** A page of the entries whose name contains `q` (case-insensitive, taken literally), and how many match. */
  async search(on: Queryable, resultSetId: number, q: string, offset: number, limit: number): Promise<{ entries: StandingsEntryView[]; total: number }> {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: (EntryRow & { total: number })[] = await on.query(
      `SELECT ${ENTRY_COLUMNS}, count(*) OVER ()::int AS total FROM race_result r
        WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')} AND r.name ILIKE $2 ORDER BY seq OFFSET $3 LIMIT $4`,
      [resultSetId, pattern, offset, limit],
    );
    if (rows.length === 0 && offset > 0) {
      const [{ n }]: { n: number }[] = await on.query(
        `SELECT count(*)::int AS n FROM race_result r WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')} AND r.name ILIKE $2`,
        [resultSetId, pattern],
      );
      return { entries: [], total: n };
    }
    return { entries: rows.map(toEntry), total: rows[0]?.total ?? 0 };
  }

  /** Which of these positions more than one entry shares (shown as "=3"). */
  async tiedPositions(on: Queryable, resultSetId: number, positions: number[]): Promise<Set<number>> {
    if (positions.length === 0) return new Set();
    const rows: { position: number }[] = await on.query(
      `SELECT position FROM race_result r WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')} AND r.position = ANY($2::int[])
        GROUP BY position HAVING count(*) > 1`,
      [resultSetId, positions],
    );
    return new Set(rows.map((r) => r.position));
  }

  async byKey(on: Queryable, resultSetId: number, key: string): Promise<StandingsEntryView | null> {
    const rows: EntryRow[] = await on.query(
      `SELECT ${ENTRY_COLUMNS} FROM race_result
        WHERE result_set_id = $1 AND group_key = $2`,
      [resultSetId, key],
    );
    return rows.length ? toEntry(rows[0]) : null;
  }

  /** Locks the board's live set for the rest of the transaction: writers of one board queue up here. */
  async lockLive(manager: EntityManager, leaderboardId: number): Promise<LockedLiveSet | null> {
    const rows: LockedLiveSet[] = await manager.query(
      `SELECT id, state, state_before_failure, standings_fingerprints FROM result_set s WHERE ${LIVE_STANDINGS_SET('s', '$1')} FOR UPDATE`,
      [leaderboardId],
    );
    return rows[0] ?? null;
  }

  /**
   * lockLive() as a part of a run's opening statement (the run holds the board's lock, so
   * locking the set then rather than just before the write changes nothing but the round trip);
   * liveOf reads it back from the statement's row.
   */
  addLockLive(statement: OneStatement, leaderboardId: number): void {
    statement.with('live',
      `SELECT id, state, state_before_failure, standings_fingerprints FROM result_set s WHERE ${LIVE_STANDINGS_SET('s', statement.param(leaderboardId))} FOR UPDATE`);
    for (const column of LIVE_COLUMNS) statement.select(`live.${column}`, `(SELECT ${column} FROM live)`);
    // Breakdowns staged inline are compressed by the closing statement: lz4 is set before it.
    statement.select('compression', LZ4_FOR_THIS_TRANSACTION);
  }

  /** The set addLockLive locked, from the statement's row (null: the board has none). */
  liveOf(row: Record<string, unknown>): LockedLiveSet | null {
    if (row['live.id'] === null) return null;
    return { id: row['live.id'] as number, state: row['live.state'] as string, state_before_failure: row['live.state_before_failure'] as string | null, standings_fingerprints: row['live.standings_fingerprints'] as string | null };
  }

  /**
   * Brings the set's standings rows in line with `standings`. Each row has a fingerprint (the
   * calculators' digests of its values and of its breakdown), and the set keeps them all by
   * key (`stored`; null when it does not, and the rows' own are read), so "did it change" is
   * one comparison in memory, and only the breakdowns that changed are ever built. The changed
   * rows are staged (inline in `closing`, or streamed with COPY into a temporary staging table a
   * row at a time: see stage()); their inserts and updates, one part per kind of change, and
   * the deletes of dropped keys are parts of `closing`, the run's closing statement, which the
   * caller sends; an unchanged board adds nothing. Returns how many rows those parts write (SQL
   * over the closing statement) and the fingerprints to keep on the set when anything changed
   * (null: keep those it has).
   * A row whose stored fingerprint differs (or is missing: rows written before fingerprints)
   * is compared value by value in SQL, so it only counts as updated if a value changed.
   */
  async upsert(manager: EntityManager, resultSetId: number, standings: StandingsTable, stored: Map<string, string | null> | null, closing: OneStatement): Promise<UpsertOutcome> {
    const client = await rawClient(manager);
    const known = stored !== null;
    if (stored === null) {
      const { rows } = await client.query<[string, string | null]>({
        text: `SELECT group_key, fingerprint FROM race_result r WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')}`,
        values: [resultSetId],
        rowMode: 'array',
      });
      stored = new Map(rows);
    }
    const { changed, counts, kept, fingerprints } = planRows(standings, stored);
    const rows: RowCountsSql = { inserted: '0', updated: '0', deleted: '0' };
    // The set's id, a parameter of the closing statement once a part uses it (an unused one has no type).
    let setParam: string | null = null;
    const set = () => (setParam ??= `${closing.param(resultSetId)}::int`);

    if (changed.length > 0) {
      const source = await stage(client, standings, changed, stored.size, closing);
      if (counts.I > 0) {
        closing.with('rows_inserted', `${INSERT_STAGED(source, set())} RETURNING 1`);
        rows.inserted = '(SELECT count(*) FROM rows_inserted)';
      }
      const updated: string[] = [];
      for (const [op, part] of [['U', 'rows_rewritten'], ['V', 'rows_revalued']] as const) {
        if (counts[op] === 0) continue;
        closing.with(part, UPDATE_STAGED[op](source, set()));
        updated.push(`(SELECT count(*) FROM ${part} WHERE changed)`);
      }
      if (updated.length > 0) rows.updated = updated.join(' + ');
    }

    // Only if some stored key was not among the standings' keys is there anything to delete.
    if (kept < stored.size) {
      const current = new Set(standings.entries.map((e) => e.key));
      const dropped = [...stored.keys()].filter((key) => !current.has(key));
      closing.with('rows_deleted', `DELETE FROM race_result WHERE result_set_id = ${set()} AND group_key = ANY(${closing.param(dropped)}::text[]) RETURNING 1`);
      rows.deleted = '(SELECT count(*) FROM rows_deleted)';
    }
    const unchanged = known && changed.length === 0 && kept === stored.size;
    return { rows, fingerprints: unchanged ? null : JSON.stringify(fingerprints) };
  }
}

function toEntry(row: EntryRow): StandingsEntryView {
  return {
    position: row.position,
    points: row.points,
    seq: row.seq,
    key: row.group_key,
    name: row.name,
    group: row.group_name,
    category: row.category,
    breakdown: row.breakdown,
  };
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
const STAGING_TABLE_NAME = 'standings_staged';
const STAGING_TABLE = `CREATE TEMPORARY TABLE IF NOT EXISTS ${STAGING_TABLE_NAME} (
  op "char", participant_id integer, custom1_id integer, category text, position integer, points double precision,
  seq integer, name text, group_name text, group_key text, fingerprint text, breakdown jsonb) ON COMMIT DELETE ROWS`;
const STAGED_COLUMNS = 'participant_id, custom1_id, category, position, points, seq, name, group_name, group_key, fingerprint, breakdown';

const INSERT_STAGED = (source: string, set: string): string => `
  INSERT INTO race_result (result_set_id, ${STAGED_COLUMNS})
  SELECT ${set}, ${STAGED_COLUMNS} FROM ${source} WHERE op = 'I'`;

/** The values a standings row holds besides its key, fingerprint and breakdown. */
const VALUE_COLUMNS = ['participant_id', 'custom1_id', 'category', 'position', 'points', 'seq', 'name', 'group_name'];

/**
 * Writes the staged rows of kind `op` over the stored ones (their fingerprint and `columns`)
 * and reports, per row, whether any stored value differed (the self-join `o` is the row as it
 * was before this statement). How the staged rows find their stored rows depends on where they
 * are, because a new set's statistics are stale (one row where it has thousands: a first run's
 * inserts do not trigger ANALYZE on a big table):
 * - staged inline (a few rows, in a `WITH` part): each looks its row up by key, in a scalar
 *   subquery. As a join, the planner read the staged rows once per row of the set (15 ms for 6
 *   rows of a 1 000-row set, EXPLAIN ANALYZE). The lookup may still scan the set's rows by
 *   another index; LIMIT 1 (the key is unique) ends that scan at the match.
 * - in the staging table (many rows): the join, as it was before inline staging. Sized from
 *   the table's pages, the planner does not take the staged rows for a handful; the lookup
 *   above cost the 1M board's edit (670 rows) a third more time.
 */
function updateStaged(op: 'U' | 'V', columns: string[]): (source: string, set: string) => string {
  const list = (alias: string) => columns.map((c) => `${alias}.${c}`).join(', ');
  const assignments = `${columns.map((c) => `${c} = s.${c}`).join(', ')}, fingerprint = s.fingerprint`;
  const changed = `RETURNING (${list('o')}) IS DISTINCT FROM (${list('s')}) AS changed`;
  return (source, set) => source === STAGING_TABLE_NAME
    ? `
  UPDATE race_result r
     SET ${assignments}
    FROM ${source} s, race_result o
   WHERE s.op = '${op}' AND r.result_set_id = ${set} AND r.group_key = s.group_key AND o.id = r.id
  ${changed}`
    : `
  UPDATE race_result r
     SET ${assignments}
    FROM (SELECT s.*, (SELECT k.id FROM race_result k WHERE k.result_set_id = ${set} AND ${STANDINGS_ROW('k')} AND k.group_key = s.group_key LIMIT 1) AS row_id
            FROM ${source} s WHERE s.op = '${op}') s,
         race_result o
   WHERE r.id = s.row_id AND o.id = r.id
  ${changed}`;
}

const UPDATE_STAGED = {
  /** Rows whose breakdown changed: every value and the breakdown. */
  U: updateStaged('U', [...VALUE_COLUMNS, 'breakdown']),
  /**
   * Rows whose breakdown is unchanged: the values only. The stored breakdown is neither sent,
   * nor parsed, nor written again (the new row version keeps its TOAST pointer).
   */
  V: updateStaged('V', VALUE_COLUMNS),
};

/**
 * Cheaper breakdown compression: lz4 for the values this transaction compresses (the staging
 * table's column and the inline rows have no method of their own, so the setting decides),
 * when race_result.breakdown is lz4 (migration BreakdownLz4 made it so where the server has
 * lz4). The breakdowns keep the method they were compressed with when the staged rows are
 * copied into race_result. Measured on a first run's 110 MB of breakdowns: a third to a half
 * less COPY time than pglz (`npm run bench:breakdown-storage`). The column's method is one
 * catalogue lookup (0.02 ms); asking pg_settings whether the server has lz4 builds every
 * setting's row (0.6 ms, EXPLAIN ANALYZE), too much for every run's opening read.
 */
const LZ4_FOR_THIS_TRANSACTION = `(SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_attribute
   WHERE attrelid = 'race_result'::regclass AND attname = 'breakdown' AND attcompression = 'l')`;

/** Characters of COPY text that go in 32 KB strings: small enough to stay out of V8's large-object space. */
const COPY_CHUNK_CHARS = 32 * 1024;

/**
 * Changed entries go in the closing statement itself as a parameter (a part `staged_rows`) when
 * they are few: no staging table to check, no COPY, two round trips fewer for the rows an edit
 * changes. Few is at most INLINE_STAGING_CHARS of JSON (past it, a first run or a big
 * re-import, they are streamed into the staging table without a document of every breakdown
 * held), and at most INLINE_LOOKUP_BUDGET stored rows × changed rows: each inline row looks its
 * stored row up by key (updateStaged), and with a new set's stale statistics that lookup can
 * scan the set's rows (the 1M board's edit, 670 values-only rows inline, took 122 ms in the
 * closing statement against 690 ms for its whole run before; through the staging table's join
 * the run is as before).
 */
const INLINE_STAGING_CHARS = 256 * 1024;
const INLINE_LOOKUP_BUDGET = 100_000;

/** The staged rows' columns, as json_to_recordset reads them (the staging table's types). */
const STAGED_RECORD = `op "char", participant_id integer, custom1_id integer, category text, position integer, points double precision,
  seq integer, name text, group_name text, group_key text, fingerprint text, breakdown jsonb`;

/** Stages the changed entries, in the closing statement or the staging table; returns the source the writes read. */
async function stage(client: PoolClient, standings: StandingsTable, changed: Staged[], storedRows: number, closing: OneStatement): Promise<string> {
  const inline = changed.length * storedRows <= INLINE_LOOKUP_BUDGET ? inlineRows(standings, changed) : null;
  if (inline !== null) {
    closing.with('staged_rows', `SELECT * FROM json_to_recordset(${closing.param(inline)}::json) AS s(${STAGED_RECORD})`);
    return 'staged_rows';
  }
  await stageRows(client, standings, changed);
  return STAGING_TABLE_NAME;
}

/** The changed entries as one JSON array, or null past INLINE_STAGING_CHARS. */
function inlineRows(standings: StandingsTable, changed: Staged[]): string | null {
  const rows: string[] = [];
  let chars = 0;
  for (const { index, fingerprint, op } of changed) {
    const e = standings.entries[index];
    const row = JSON.stringify({
      op, participant_id: e.participantId, custom1_id: e.customValueId, category: e.category, position: e.position, points: e.points,
      seq: e.seq, name: e.name, group_name: e.group, group_key: e.key, fingerprint,
      breakdown: op === 'V' ? undefined : standings.breakdown(index),
    });
    chars += row.length + 1;
    if (chars > INLINE_STAGING_CHARS) return null;
    rows.push(row);
  }
  return `[${rows.join(',')}]`;
}

/** Streams the changed entries, their breakdowns built one at a time, into the staging table. */
async function stageRows(client: PoolClient, standings: StandingsTable, changed: Staged[]): Promise<void> {
  // IF NOT EXISTS would answer a notice on every run after the first on this connection.
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('pg_temp.standings_staged') IS NOT NULL AS exists, ${LZ4_FOR_THIS_TRANSACTION} AS compression`);
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
