import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';
import type { StandingsTable } from '../../calculators';
import { expand } from '../../calculators/breakdown-form';
import { entryFingerprint, sameBreakdown } from '../../calculators/fingerprint';
import { OneStatement } from '../../common/database/one-statement';
import { rawClient } from '../../common/database/raw-client';
import { WeightedLru } from '../../common/weighted-lru';
import type { SetVisibility } from '../../common/audience';
import { PUBLIC_STATES_SQL, ResultSetState, stateFromCode, stateSql } from '../../common/result-set-state';
import { StandingsEntryView, tieKey } from './standings.dto';

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

/**
 * A standings set a DRAFT revision replaced while it was published (PROVISIONAL or APPROVED):
 * the public keeps seeing it until the revision is published. `set` is the set's alias.
 */
export const PUBLISHED_PREDECESSOR = (set: string): string => `${set}.state = ${stateSql('REPLACED')} AND ${set}.replaced_from IN ${PUBLIC_STATES_SQL}`;

/** A standings set as far as who may see it (shownSets). */
export interface ShownSetOf extends SetVisibility {
  resultSetId: number;
}

/** A board's live standings set, and the published set it replaced while it is a DRAFT revision. */
export interface ShownSet extends ShownSetOf {
  publishedPredecessor: ShownSetOf | null;
}

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

/**
 * The live set as the writer locks it: its state, and the token of its rows' fingerprints (a
 * new one each time they change; FingerprintMemo).
 */
export interface LockedLiveSet {
  id: number;
  state: string;
  state_before_failure: string | null;
  fingerprints_token: string | null;
}

/** A standings row as the writer knows it: its id, and its fingerprint (null: written before fingerprints). */
export interface StoredRow {
  id: number;
  fingerprint: string | null;
}

/** A set's standings rows by key. */
export type StoredRows = ReadonlyMap<string, StoredRow>;

/** The set and token a worker's kept fingerprints are of (FingerprintMemo). */
export interface KeptFingerprintsOf {
  setId: number;
  token: string;
}

/** Rows read as [group_key, id, fingerprint], by key. */
function storedRowsOf(rows: [string, number, string | null][]): StoredRows {
  return new Map(rows.map(([key, id, fingerprint]) => [key, { id, fingerprint }]));
}

/**
 * The live set as a run's opening statement locked it, with its rows' ids and fingerprints when
 * that statement read them (addLockLive's cold fingerprints; null: it did not).
 */
export type LiveSetRead = LockedLiveSet & { stored: StoredRows | null };

/**
 * Cold fingerprints are folded into the opening statement for sets of at most this many
 * entries (about 60 bytes of JSON each); a larger set's are read by their own statement, in
 * array rows, as before (StandingsRowsRepository.foldedFingerprints, which tests lower). The
 * opening statement cannot know the size first: for a larger set it reads one row past the
 * limit and those rows are dropped, a cost only a cold run of a board that large pays.
 */
const FOLDED_FINGERPRINTS = 5_000;

const LIVE_COLUMNS = ['id', 'state', 'state_before_failure', 'fingerprints_token'] as const;

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
  /** Whether any row is written or deleted. */
  changed: boolean;
  /**
   * The set's rows by key once the closing statement (its answer row `closed`) has run, new
   * ones with the ids its INSERT gave them, to keep (FingerprintMemo).
   */
  rowsAfter(closed: Record<string, unknown>): StoredRows;
}

interface EntryRow {
  position: number | null;
  points: number;
  seq: number;
  group_key: string;
  name: string;
  group_name: string | null;
  category: string | null;
  /** The stored form (breakdown-form.ts); expanded to the breakdown object for the answer. */
  breakdown: string | null;
}

const ENTRY_COLUMNS = 'position, points, seq, group_key, name, group_name, category, breakdown';

/**
 * Every statement on standings rows, read and write, and the live standings set's predicate
 * and lock. Reads take the pooled DataSource or a transaction's manager; writes take the
 * writer's transaction.
 */
@Injectable()
export class StandingsRowsRepository {
  private readonly counted = new CountedHeads();

  /** Cold fingerprints folded into the opening statement up to this many entries (FOLDED_FINGERPRINTS). */
  foldedFingerprints = FOLDED_FINGERPRINTS;

  /** The board's live standings set. */
  head(on: Queryable, leaderboardId: number): Promise<StandingsHead | null> {
    return this.headWhere(on, LIVE_STANDINGS_SET('s', '$1'), leaderboardId, `live:${leaderboardId}`);
  }

  /**
   * The set a live DRAFT revision replaced, when it was published (PROVISIONAL or APPROVED)
   * then: the public keeps seeing it until the revision is published.
   */
  publishedPredecessor(on: Queryable, resultSetId: number): Promise<StandingsHead | null> {
    return this.headWhere(on, `s.id = $1 AND ${PUBLISHED_PREDECESSOR('s')}`, resultSetId, `replaced:${resultSetId}`);
  }

  /**
   * Each board's live standings set as far as who may see it, with the published set a live
   * DRAFT revision replaced (publishedPredecessor's condition), by board id: what the boards'
   * visibility is decided on, for many boards in one statement (no versions, no counts).
   */
  async shownSets(on: Queryable, leaderboardIds: number[]): Promise<Map<number, ShownSet>> {
    if (leaderboardIds.length === 0) return new Map();
    const rows: { board: number; id: number; state: string; state_before_failure: string | null; replaced_from: string | null; p_id: number | null; p_replaced_from: string | null }[] =
      await on.query(
        `SELECT s.leaderboard_id AS board, s.id, s.state, s.state_before_failure, s.replaced_from, p.id AS p_id, p.replaced_from AS p_replaced_from
           FROM result_set s
           LEFT JOIN result_set p ON p.id = s.replaces_id AND ${PUBLISHED_PREDECESSOR('p')}
          WHERE ${LIVE_STANDINGS_SET('s', 'ANY($1::int[])')}`,
        [leaderboardIds],
      );
    const code = (c: string | null) => (c === null ? null : stateFromCode(c));
    return new Map(rows.map((row) => [row.board, {
      resultSetId: row.id,
      state: stateFromCode(row.state),
      stateBeforeFailure: code(row.state_before_failure),
      replacedFrom: code(row.replaced_from),
      publishedPredecessor: row.p_id === null ? null : { resultSetId: row.p_id, state: 'REPLACED', stateBeforeFailure: null, replacedFrom: code(row.p_replaced_from) },
    }]));
  }

  /** The head `where` finds; its entries are counted unless `lookup` last found the same set at the same version (CountedHeads). */
  private async headWhere(on: Queryable, where: string, param: number, lookup: string): Promise<StandingsHead | null> {
    const known = this.counted.get(lookup);
    const rows: { id: number; state: string; state_before_failure: string | null; replaces_id: number | null; replaced_from: string | null; computed_at: Date | null; version: string; total: number | null }[] =
      await on.query(
        `SELECT s.id, s.state, s.state_before_failure, s.replaces_id, s.replaced_from, s.computed_at, v.version,
                CASE WHEN s.id = $2 AND v.version = $3 THEN NULL
                     ELSE (SELECT count(*)::int FROM race_result r WHERE r.result_set_id = s.id AND ${STANDINGS_ROW('r')}) END AS total
           FROM result_set s CROSS JOIN LATERAL (SELECT (extract(epoch FROM s.updated_at) * 1000000)::bigint AS version) v
          WHERE ${where}`,
        [param, known?.setId ?? null, known?.version ?? null],
      );
    if (rows.length === 0) return null;
    const [row] = rows;
    const total = row.total ?? known!.total;
    if (row.total !== null) this.counted.keep(lookup, { setId: row.id, version: row.version, total });
    return {
      resultSetId: row.id,
      state: stateFromCode(row.state),
      stateBeforeFailure: row.state_before_failure ? stateFromCode(row.state_before_failure) : null,
      replacesId: row.replaces_id,
      replacedFrom: row.replaced_from ? stateFromCode(row.replaced_from) : null,
      computedAt: row.computed_at,
      version: Number(row.version),
      total,
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

  /**
   * Which of these positions more than one entry shares (shown as "=3"), as `tieKey`s: a board
   * split by category ranks each category on its own, so its "1" is one per category, not a tie.
   */
  async tiedPositions(on: Queryable, resultSetId: number, positions: number[]): Promise<Set<string>> {
    if (positions.length === 0) return new Set();
    const rows: { category: string | null; position: number }[] = await on.query(
      `SELECT category, position FROM race_result r WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')} AND r.position = ANY($2::int[])
        GROUP BY category, position HAVING count(*) > 1`,
      [resultSetId, positions],
    );
    return new Set(rows.map((r) => tieKey(r.category, r.position)));
  }

  async byKey(on: Queryable, resultSetId: number, key: string): Promise<StandingsEntryView | null> {
    return (await this.byKeyIn(on, [resultSetId], key)).get(resultSetId) ?? null;
  }

  /** The entry of `key` in each of these sets that has one, by set, in one statement. */
  async byKeyIn(on: Queryable, resultSetIds: number[], key: string): Promise<Map<number, StandingsEntryView>> {
    if (resultSetIds.length === 0) return new Map();
    const rows: (EntryRow & { result_set_id: number })[] = await on.query(
      `SELECT result_set_id, ${ENTRY_COLUMNS} FROM race_result
        WHERE result_set_id = ANY($1::int[]) AND group_key = $2`,
      [resultSetIds, key],
    );
    return new Map(rows.map((row) => [row.result_set_id, toEntry(row)]));
  }

  /** Locks the board's live set for the rest of the transaction: writers of one board queue up here. */
  async lockLive(manager: EntityManager, leaderboardId: number): Promise<LockedLiveSet | null> {
    const rows: LockedLiveSet[] = await manager.query(
      `SELECT id, state, state_before_failure, standings_fingerprints_token AS fingerprints_token
         FROM result_set s WHERE ${LIVE_STANDINGS_SET('s', '$1')} FOR UPDATE`,
      [leaderboardId],
    );
    return rows[0] ?? null;
  }

  /**
   * lockLive() as a part of a run's opening statement (the run holds the board's lock, so
   * locking the set then rather than just before the write changes nothing but the round trip;
   * FOR UPDATE reads the set's newest row version, token included); liveOf reads it back from
   * the statement's row.
   */
  addLockLive(statement: OneStatement, leaderboardId: number, kept: KeptFingerprintsOf | null): void {
    statement.with('live',
      `SELECT id, state, state_before_failure, standings_fingerprints_token AS fingerprints_token
         FROM result_set s WHERE ${LIVE_STANDINGS_SET('s', statement.param(leaderboardId))} FOR UPDATE`);
    for (const column of LIVE_COLUMNS) statement.select(`live.${column}`, `(SELECT ${column} FROM live)`);
    // Cold fingerprints: the rows' own, read here (no statement of their own) when the worker
    // keeps none for this set and token (`kept`); decided in SQL, against the token just locked.
    statement.select('live.stored',
      `CASE WHEN (SELECT id FROM live) IS DISTINCT FROM ${statement.param(kept?.setId ?? null)}::int
              OR (SELECT fingerprints_token FROM live) IS DISTINCT FROM ${statement.param(kept?.token ?? null)}::uuid
            THEN COALESCE((SELECT json_agg(json_build_array(q.group_key, q.id, q.fingerprint)) FROM (
                    SELECT r.group_key, r.id, r.fingerprint FROM race_result r
                     WHERE r.result_set_id = (SELECT id FROM live) AND ${STANDINGS_ROW('r')} LIMIT ${this.foldedFingerprints + 1}) q), '[]') END`);
    // Breakdowns staged inline are compressed by the closing statement: lz4 is set before it.
    statement.select('compression', LZ4_FOR_THIS_TRANSACTION);
  }

  /** The set addLockLive locked, from the statement's row (null: the board has none). */
  liveOf(row: Record<string, unknown>): LiveSetRead | null {
    if (row['live.id'] === null) return null;
    const folded = row['live.stored'] as [string, number, string | null][] | null;
    return {
      id: row['live.id'] as number,
      state: row['live.state'] as string,
      state_before_failure: row['live.state_before_failure'] as string | null,
      fingerprints_token: row['live.fingerprints_token'] as string | null,
      // Null when the worker keeps this set's (the statement did not read them), or past the limit (upsert reads them).
      stored: folded !== null && folded.length <= this.foldedFingerprints ? storedRowsOf(folded) : null,
    };
  }

  /**
   * Brings the set's standings rows in line with `standings`. Each row has a fingerprint (the
   * calculators' digests of its values and of its breakdown); `stored` are the rows' ids and
   * fingerprints by key as the worker kept them (FingerprintMemo; null when it kept none, and
   * the rows' own are read), so "did it change" is one comparison in memory, and only the
   * breakdowns that changed are ever built. The changed rows are staged (inline in `closing`, or
   * streamed with COPY into a temporary staging table a row at a time: see stage()); their
   * inserts and updates, one part per kind of change, and the deletes of dropped keys are parts
   * of `closing`, the run's closing statement, which the caller sends; an unchanged board adds
   * nothing. Rows are updated by id (a primary-key probe per staged row): joined by key,
   * PostgreSQL walked every row of the set and its dead versions in each UPDATE (a merge join,
   * chosen for want of statistics on the staging table; 21 of the 42 ms of the two UPDATEs
   * after a one-result edit of a 25,000-entry board, EXPLAIN ANALYZE). Returns how many rows
   * those parts write (SQL over the closing statement) and, once it has run, the rows by key.
   * A row whose stored fingerprint differs (or is missing: rows written before fingerprints)
   * is compared value by value in SQL, so it only counts as updated if a value changed.
   */
  async upsert(manager: EntityManager, resultSetId: number, standings: StandingsTable, stored: StoredRows | null, closing: OneStatement): Promise<UpsertOutcome> {
    const client = await rawClient(manager);
    if (stored === null) {
      const { rows } = await client.query<[string, number, string | null]>({
        text: `SELECT group_key, id, fingerprint FROM race_result r WHERE r.result_set_id = $1 AND ${STANDINGS_ROW('r')}`,
        values: [resultSetId],
        rowMode: 'array',
      });
      stored = storedRowsOf(rows);
    }
    const { changed, counts, kept, fingerprints } = planRows(standings, stored);
    const rows: RowCountsSql = { inserted: '0', updated: '0', deleted: '0' };
    // The set's id, a parameter of the closing statement once a part uses it (an unused one has no type).
    let setParam: string | null = null;
    const set = () => (setParam ??= `${closing.param(resultSetId)}::int`);

    if (changed.length > 0) {
      const source = await this.stage(client, standings, changed, closing);
      if (counts.I > 0) {
        closing.with('rows_inserted', `${INSERT_STAGED(source, set())} RETURNING id, group_key`);
        rows.inserted = '(SELECT count(*) FROM rows_inserted)';
        closing.select(NEW_ROWS, `(SELECT json_agg(json_build_array(group_key, id)) FROM rows_inserted)`);
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
    // Lazy rows after: the map of the rows as the closing statement leaves them is built only
    // when it is asked for (the fingerprint memo keeps it when the rows changed); a repeated run
    // of a 1,000-entry board built 1,000 objects and a Map it threw away (planRows was the
    // largest JavaScript self time of the medium board's runs, CPU profile).
    const before = stored;
    const rowsAfter = (closed: Record<string, unknown>): StoredRows => {
      const after = new Map<string, { id: number; fingerprint: string }>();
      for (let i = 0; i < standings.entries.length; i++) {
        const { key } = standings.entries[i];
        after.set(key, { id: before.get(key)?.id ?? NO_ROW, fingerprint: fingerprints[i] });
      }
      for (const [key, id] of (closed[NEW_ROWS] as [string, number][] | null | undefined) ?? []) after.get(key)!.id = id;
      return after;
    };
    return { rows, changed: changed.length > 0 || kept < stored.size, rowsAfter };
  }

  /**
   * Changed entries go in the closing statement itself as a parameter (a part `staged_rows`)
   * when their JSON is at most this many characters: no staging table, no COPY, a round trip
   * fewer for the rows an edit changes. Past it (a first run, a big re-import) they are streamed
   * into the staging table, without a document of every breakdown held. Tests lower it to
   * take the staging table's path.
   */
  inlineStagingChars = INLINE_STAGING_CHARS;

  /** Stages the changed entries, in the closing statement or the staging table; returns the source the writes read. */
  private async stage(client: PoolClient, standings: StandingsTable, changed: Staged[], closing: OneStatement): Promise<string> {
    const inline = inlineRows(standings, changed, this.inlineStagingChars);
    if (inline !== null) {
      closing.with('staged_rows', `SELECT * FROM json_to_recordset(${closing.param(inline)}::json) AS s(${STAGED_RECORD})`);
      return 'staged_rows';
    }
    await stageRows(client, standings, changed);
    return STAGING_TABLE_NAME;
  }
}

/** What a head lookup last counted: the set it found, at which version, and its entries. */
interface CountedHead {
  setId: number;
  /** result_set.updated_at in microseconds, as PostgreSQL's text of the bigint. */
  version: string;
  total: number;
}

/** Head lookups whose counts a process keeps at most (a few dozen bytes each). */
export const COUNTED_HEADS_KEPT = 10_000;

/**
 * Counted heads: a standings set's number of entries, kept by head lookup (a board's live set,
 * or the set a revision replaced) with the set and version it was counted at. The head is read on
 * every standings request (JSON, page, stream), and counting is a pass over every row of the set:
 * a 3,000-entry board is 3,000 heap fetches until a VACUUM sets the visibility map, and more
 * pages since breakdowns are stored as text (BENCHMARKS.md, issue 16 round six). The count only
 * changes when a run writes the set's rows, and that run's closing statement sets the set's
 * updated_at (the version) in the same transaction (StandingsWriterRepository,
 * `standings_computed`): so the head statement skips the count when it finds the same set at the
 * same version, and counts again otherwise. The version is the one the rendered pages and ETags
 * are keyed by; the kept count is never used for any other set or version.
 */
class CountedHeads {
  private readonly heads = new WeightedLru<string, CountedHead>(() => 1, COUNTED_HEADS_KEPT, false);

  get(lookup: string): CountedHead | undefined {
    const head = this.heads.peek(lookup);
    if (head !== undefined) this.heads.touch(lookup);
    return head;
  }

  keep(lookup: string, head: CountedHead): void {
    this.heads.set(lookup, head);
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
    // Stored as compact text (migration BreakdownText): expanded here to the object jsonb gave, keys in jsonb's order.
    breakdown: row.breakdown === null ? null : expand(row.breakdown),
  };
}

/**
 * Which entries to write and how, from the stored rows by key; `kept` counts the entries whose
 * key is stored; `after` is every entry's row by key (id -1 until a new row is inserted).
 */
function planRows(standings: StandingsTable, stored: StoredRows) {
  const changed: Staged[] = [];
  const counts = { I: 0, U: 0, V: 0 };
  const fingerprints: string[] = new Array<string>(standings.entries.length);
  let kept = 0;
  for (let i = 0; i < standings.entries.length; i++) {
    const { key } = standings.entries[i];
    const previous = stored.get(key);
    const current = entryFingerprint(standings, i);
    const { fingerprint } = current;
    fingerprints[i] = fingerprint;
    if (previous !== undefined) kept += 1;
    if (fingerprint === previous?.fingerprint) continue;
    const op = previous === undefined ? 'I' : sameBreakdown(previous.fingerprint, current) ? 'V' : 'U';
    changed.push({ index: i, id: previous?.id ?? NO_ROW, fingerprint, op });
    counts[op] += 1;
  }
  return { changed, counts, kept, fingerprints };
}

/** The id of a row not yet inserted. */
const NO_ROW = -1;

/** An entry to write: I a new row, U a changed breakdown (and maybe values), V changed values only; `id` the row's (U, V). */
interface Staged {
  index: number;
  id: number;
  fingerprint: string;
  op: 'I' | 'U' | 'V';
}

/**
 * The staging table: one per connection, emptied at every commit. `op` and `id` as in Staged;
 * the breakdown is only sent for I and U. (Named anew when its columns change: a connection
 * keeps the table it made. `standings_staged_rows` had a jsonb breakdown; the breakdown is text
 * since migration BreakdownText, so the table is `standings_staged`.)
 *
 * The breakdown column is text, not jsonb: PostgreSQL only stores it (and compresses it), it
 * parses nothing. Parsing a first run's breakdowns into jsonb was most of that run's write.
 */
const STAGING_TABLE_NAME = 'standings_staged';
const stagingTable = (lz4: boolean) => `CREATE TEMPORARY TABLE IF NOT EXISTS ${STAGING_TABLE_NAME} (
  op "char", id integer, participant_id integer, custom1_id integer, category text, position integer, points double precision,
  seq integer, name text, group_name text, group_key text, fingerprint text, breakdown text${lz4 ? ' COMPRESSION lz4' : ''}) ON COMMIT DELETE ROWS`;
const STAGED_COLUMNS = 'participant_id, custom1_id, category, position, points, seq, name, group_name, group_key, fingerprint, breakdown';

const INSERT_STAGED = (source: string, set: string): string => `
  INSERT INTO race_result (result_set_id, ${STAGED_COLUMNS})
  SELECT ${set}, ${STAGED_COLUMNS} FROM ${source} WHERE op = 'I'`;

/** The closing statement's column of the inserted rows' keys and ids (JSON [key, id] pairs). */
const NEW_ROWS = 'rows_new_ids';

/** The values a standings row holds besides its key, fingerprint and breakdown. */
const VALUE_COLUMNS = ['participant_id', 'custom1_id', 'category', 'position', 'points', 'seq', 'name', 'group_name'];

/**
 * Writes the staged rows of kind `op` over the stored ones (their fingerprint and `columns`)
 * and reports, per row, whether any stored value differed (the self-join `o` is the row as it
 * was before this statement). The staged rows, inline or in the staging table, carry their
 * row's id; the set and key conditions only guard against an id kept for another row.
 */
function updateStaged(op: 'U' | 'V', columns: string[]): (source: string, set: string) => string {
  const list = (alias: string) => columns.map((c) => `${alias}.${c}`).join(', ');
  return (source, set) => `
  UPDATE race_result r
     SET ${columns.map((c) => `${c} = s.${c}`).join(', ')}, fingerprint = s.fingerprint
    FROM ${source} s, race_result o
   WHERE s.op = '${op}' AND r.id = s.id AND o.id = s.id AND r.result_set_id = ${set} AND r.group_key = s.group_key
  RETURNING (${list('o')}) IS DISTINCT FROM (${list('s')}) AS changed`;
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
 * Breakdowns staged inline have no column of their own until race_result's, so the setting
 * decides their compression: lz4 for this transaction when race_result.breakdown is lz4
 * (migration BreakdownLz4 made it so where the server has lz4), set in the run's opening read.
 * The column's method is one catalogue lookup (0.02 ms); asking pg_settings whether the server
 * has lz4 builds every setting's row (0.6 ms, EXPLAIN ANALYZE), too much for every run.
 */
/** Rows when race_result.breakdown is compressed with lz4: the one test of both staging paths. */
const BREAKDOWN_IS_LZ4 = `SELECT FROM pg_attribute WHERE attrelid = 'race_result'::regclass AND attname = 'breakdown' AND attcompression = 'l'`;
const LZ4_FOR_THIS_TRANSACTION = `(SELECT set_config('default_toast_compression', 'lz4', true) FROM (${BREAKDOWN_IS_LZ4}) AS lz4)`;

/**
 * Cheaper breakdown compression: the staging table's breakdown column is made with lz4 when
 * race_result.breakdown is lz4 (the same catalogue lookup as inline rows, asked once per
 * connection in the statement that finds whether the table exists). The breakdowns keep the
 * method they were compressed with when the staged rows are copied into race_result (migration
 * BreakdownLz4 made its column lz4 where the server has it). Measured on a first
 * run's 110 MB of breakdowns: a third to a half less COPY time than pglz (`npm run bench:breakdown-storage`).
 */
const STAGING_STATE = `SELECT to_regclass('pg_temp.${STAGING_TABLE_NAME}') IS NOT NULL AS exists,
  EXISTS (${BREAKDOWN_IS_LZ4}) AS lz4`;

/**
 * Connections whose staging table exists: a temporary table lives as long as its connection,
 * so it is looked up once per connection, not in every run (a round trip), once it is
 * found to exist: a table made in a transaction that rolls back goes with it. A failure while staging forgets the connection, so a table that went missing some
 * other way is made again on the next run.
 */
const stagingReady = new WeakSet<PoolClient>();

/** Characters of COPY text that go in 32 KB strings: small enough to stay out of V8's large-object space. */
const COPY_CHUNK_CHARS = 32 * 1024;

/** Streams the changed entries, their breakdowns' stored text built one at a time, into the staging table. */
async function stageRows(client: PoolClient, standings: StandingsTable, changed: Staged[]): Promise<void> {
  try {
    if (!stagingReady.has(client)) {
      // IF NOT EXISTS alone would answer a notice when the table exists.
      const { rows } = await client.query<{ exists: boolean; lz4: boolean }>(STAGING_STATE);
      // Only a table found made is known to stay: one made now goes if this transaction rolls back.
      if (rows[0].exists) stagingReady.add(client);
      else await client.query(stagingTable(rows[0].lz4));
    }
    await pipeline(Readable.from(copyText(standings, changed)), client.query(copyFrom(`COPY ${STAGING_TABLE_NAME} FROM STDIN`)));
  } catch (err) {
    stagingReady.delete(client);
    throw err;
  }
}

function* copyText(standings: StandingsTable, changed: Staged[]): Generator<string> {
  let chunk = '';
  for (const { index, id, fingerprint, op } of changed) {
    const e = standings.entries[index];
    chunk += [
      op, op === 'I' ? null : id, e.participantId, e.customValueId, e.category, e.position, e.points, e.seq, e.name, e.group, e.key, fingerprint,
      op === 'V' ? null : standings.breakdownText(index),
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

/** The inline staged rows' JSON is at most this long (StandingsRowsRepository.inlineStagingChars, which tests lower). */
const INLINE_STAGING_CHARS = 256 * 1024;

/** The staged rows' columns, as json_to_recordset reads them (the staging table's types). */
const STAGED_RECORD = `op "char", id integer, participant_id integer, custom1_id integer, category text, position integer, points double precision,
  seq integer, name text, group_name text, group_key text, fingerprint text, breakdown text`;

/** The changed entries as one JSON array, or null past `limit` characters. */
function inlineRows(standings: StandingsTable, changed: Staged[], limit: number): string | null {
  const rows: string[] = [];
  let chars = 0;
  for (const { index, id, fingerprint, op } of changed) {
    const e = standings.entries[index];
    const row = JSON.stringify({
      op, id: op === 'I' ? null : id, participant_id: e.participantId, custom1_id: e.customValueId, category: e.category, position: e.position,
      points: e.points, seq: e.seq, name: e.name, group_name: e.group, group_key: e.key, fingerprint,
      breakdown: op === 'V' ? undefined : standings.breakdownText(index),
    });
    chars += row.length + 1;
    if (chars > limit) return null;
    rows.push(row);
  }
  return `[${rows.join(',')}]`;
}
