import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { breakdownCells, LineCells } from '../../calculators/breakdown-form';
import { eventInScopeSql } from '../../calculators/event-scope';
import { execute, returning } from '../../common/database/execute';
import { PUBLIC_STATES_SQL, ResultSetState, stateFromCode, stateSql } from '../../common/result-set-state';
import { RACE_ROW } from '../race-rows.repository';
import { ResultStatus } from '../result-status';

export interface RiderRecord {
  id: number;
  firstName: string;
  lastName: string;
  externalId: string | null;
}

export interface AliasRecord extends RiderRecord {
  /** The rider whose merge left this alias. */
  mergedFrom: number;
  createdAt: string;
}

export interface RiderListItem extends RiderRecord {
  /** Race results on file (every state but REPLACED). */
  results: number;
}

export interface RiderSearch {
  /** Folded words (lower case, accents removed by the database), each a prefix. */
  q: string | null;
  seriesId: number | null;
  offset: number;
  limit: number;
}

export interface BoardPoints {
  leaderboardId: number;
  leaderboardName: string;
  points: number;
  /** False when the result was dropped (best-of, drop-worst): it scored but did not count. */
  counted: boolean;
}

export interface RiderResult {
  resultId: number;
  resultSetId: number;
  state: ResultSetState;
  seriesId: number;
  seriesName: string;
  eventId: number;
  eventName: string;
  date: string;
  category: string;
  position: number | null;
  status: ResultStatus;
  timeMs: number | null;
  points: BoardPoints[];
}

/** A race both riders of a merge have a result in. */
export interface SharedRace {
  resultSetId: number;
  state: ResultSetState;
  eventId: number;
  eventName: string;
  category: string;
}

/** What moveResults moved. */
export interface RowsMoved {
  results: number;
  resultSetIds: number[];
  standingsRows: number;
  aliasesMoved: number;
}

/** What a merge moved, and what it dropped from superseded races (dropFromSuperseded), for its answer and its audit row. */
export interface MergeMoves extends RowsMoved {
  supersededResultsDropped: number;
}

/** A result of the rider merged away, dropped from a superseded version of a race the kept rider is in too. */
export interface DroppedResult {
  resultSetId: number;
  eventId: number;
  category: string;
  bib: string | null;
  position: number | null;
  status: string;
  timeMs: number | null;
}

/** "a_b" → "a\_b": a search word matched literally inside LIKE. */
const likeLiteral = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Letters that carry no combining mark in Unicode's decomposition, and what they fold to. */
const STROKED = ['ØøĐđŁłĦħıŦŧ', 'OoDdLlHhiTt'];
/** The combining marks of Latin accents (grave … ogonek), deleted after decomposition. */
const MARKS = '\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030A\u030B\u030C\u0311\u031B\u0323\u0326\u0327\u0328';

/**
 * SQL folding a text expression for search: lower case, Latin accents removed (Zoë → zoe,
 * Ødegård → odegard). Plain SQL rather than the unaccent extension, which needs contrib and
 * rights to create. Names of ASCII only (most) take the cheap branch: decomposing every name
 * cost 4 times a plain lower() over 100 000 riders.
 */
export function foldSql(expr: string): string {
  return `(CASE WHEN octet_length(${expr}) = length(${expr}) THEN lower(${expr})
                ELSE lower(translate(normalize(${expr}, NFD), '${STROKED[0]}${MARKS}', '${STROKED[1]}')) END)`;
}

/** A rider's searchable words: each query word must begin one of them (or the licence). */
const SEARCHABLE = `' ' || ${foldSql(`(p.first_name || ' ' || p.last_name)`)}`;

/**
 * Riders as the admin API shows and changes them: search, a rider's results across series with
 * the points their boards' stored breakdowns give, renames, and merges with the aliases they
 * leave. Who a result row's rider is stays ParticipantsRepository's (rider matching).
 */
@Injectable()
export class RidersRepository {
  async search(manager: EntityManager, search: RiderSearch): Promise<{ total: number; items: RiderListItem[] }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (search.q !== null) {
      const words = (await manager.query(`SELECT regexp_split_to_array(${foldSql('$1::text')}, '\\s+') AS words`, [search.q]))[0].words as string[];
      for (const word of words.filter(Boolean)) {
        const like = param(likeLiteral(word));
        // A word begins the first or last name (or a word of one), an alias's name, or the licence.
        where.push(`(${SEARCHABLE} LIKE '% ' || ${like} || '%'
                     OR lower(p.external_id) LIKE ${like} || '%'
                     OR EXISTS (SELECT 1 FROM participant_alias a WHERE a.participant_id = p.id
                                  AND (' ' || ${foldSql(`(a.first_name || ' ' || a.last_name)`)} LIKE '% ' || ${like} || '%'
                                       OR lower(a.external_id) LIKE ${like} || '%')))`);
      }
    }
    if (search.seriesId !== null) {
      where.push(`EXISTS (SELECT 1 FROM race_result r JOIN result_set s ON s.id = r.result_set_id JOIN event e ON e.id = s.event_id
                           WHERE r.participant_id = p.id AND ${RACE_ROW('r')} AND e.series_id = ${param(search.seriesId)})`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    // One pass over the riders: the matches are counted and paged from the same set, and the
    // page's row is there (with nulls) even when the offset is past the end, for the total.
    const rows: (RiderRow & { total: number })[] = await manager.query(
      `WITH hits AS MATERIALIZED (SELECT p.id, p.first_name, p.last_name, p.external_id FROM participant p ${clause})
       SELECT t.total, page.* FROM (SELECT count(*)::int AS total FROM hits) t
       LEFT JOIN LATERAL (
         SELECT w.*, row_number() OVER () AS n,
                (SELECT count(*)::int FROM race_result r JOIN result_set s ON s.id = r.result_set_id
                  WHERE r.participant_id = w.id AND ${RACE_ROW('r')} AND s.state <> ${stateSql('REPLACED')}) AS results
           FROM (SELECT h.* FROM hits h ORDER BY ${foldSql('h.last_name')}, ${foldSql('h.first_name')}, h.id
                 OFFSET ${param(search.offset)} LIMIT ${param(search.limit)}) w) page ON true
       ORDER BY page.n`,
      params,
    );
    const total = rows[0].total;
    const page = rows.filter((r) => r.id !== null);
    return { total, items: page.map((r) => ({ ...toRider(r), results: r.results! })) };
  }

  async find(manager: EntityManager, id: number): Promise<RiderRecord | null> {
    const rows: RiderRow[] = await manager.query('SELECT id, first_name, last_name, external_id FROM participant WHERE id = $1', [id]);
    return rows.length ? toRider(rows[0]) : null;
  }

  /**
   * Locks a rider's row for a merge, without waiting: FOR UPDATE for the rider who is deleted
   * (a transaction still writing results of them holds a key-share lock, and the caller answers
   * 409 rather than queueing behind it), FOR NO KEY UPDATE for the one who stays (other merges
   * of them conflict; recalculations writing their standings rows do not). Null when the rider
   * no longer exists.
   */
  async lockNoWait(manager: EntityManager, id: number, forDelete: boolean): Promise<RiderRecord | null> {
    const rows: RiderRow[] = await manager.query(
      `SELECT id, first_name, last_name, external_id FROM participant WHERE id = $1 FOR ${forDelete ? 'UPDATE' : 'NO KEY UPDATE'} NOWAIT`,
      [id],
    );
    return rows.length ? toRider(rows[0]) : null;
  }

  /**
   * Locks a rider's row for an edit, waiting for other edits of it. FOR NO KEY UPDATE: the
   * writers of their results (imports, recalculations) only key-share it and go on meanwhile.
   */
  async lockForEdit(manager: EntityManager, id: number): Promise<RiderRecord | null> {
    const rows: RiderRow[] = await manager.query('SELECT id, first_name, last_name, external_id FROM participant WHERE id = $1 FOR NO KEY UPDATE', [id]);
    return rows.length ? toRider(rows[0]) : null;
  }

  /**
   * Share-locks these events without waiting, in id order: an import holds its event's row
   * locked (FOR UPDATE, ResultSetsRepository.lockEvent) for its whole transaction, so this
   * fails at once while one runs, and an import that starts later waits for the caller to commit.
   */
  async lockEventsNoWait(manager: EntityManager, eventIds: number[]): Promise<void> {
    if (eventIds.length === 0) return;
    await manager.query(`SELECT id FROM event WHERE id = ANY($1::int[]) ORDER BY id FOR SHARE NOWAIT`, [eventIds]);
  }

  /** The first of these events whose row another transaction holds (an import: see lockEventsNoWait), or null. */
  async busyEvent(manager: EntityManager, eventIds: number[]): Promise<{ id: number; name: string } | null> {
    const free: { id: number }[] = await manager.query(`SELECT id FROM event WHERE id = ANY($1::int[]) FOR SHARE SKIP LOCKED`, [eventIds]);
    const busy = eventIds.find((id) => !free.some((f) => f.id === id));
    if (busy === undefined) return null;
    const [row]: { name: string }[] = await manager.query('SELECT name FROM event WHERE id = $1', [busy]);
    return { id: busy, name: row?.name ?? '' };
  }

  async seriesExists(manager: EntityManager, seriesId: number): Promise<boolean> {
    const rows = await manager.query('SELECT 1 FROM series WHERE id = $1', [seriesId]);
    return rows.length > 0;
  }

  /** Events where these riders have race rows, in any state. */
  async eventsOf(manager: EntityManager, riderIds: number[]): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      `SELECT DISTINCT s.event_id AS id FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE r.participant_id = ANY($1::int[]) AND ${RACE_ROW('r')} ORDER BY 1`,
      [riderIds],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Boards whose standings change with these riders: active boards that read one of their
   * published races (by category and event scope), and boards whose live standings have a row
   * for one of them (it must go, or be renamed, on the next run). In id order.
   */
  async boardsOf(manager: EntityManager, riderIds: number[]): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      `SELECT l.id
         FROM race_result r
         JOIN result_set s ON s.id = r.result_set_id AND s.state IN ${PUBLIC_STATES_SQL}
         JOIN event e ON e.id = s.event_id
         JOIN leaderboard l ON l.series_id = e.series_id AND l.active
        WHERE r.participant_id = ANY($1::int[]) AND ${RACE_ROW('r')}
          AND EXISTS (SELECT 1 FROM leaderboard_category c WHERE c.leaderboard_id = l.id AND c.code = s.category)
          AND ${eventInScopeSql({ scope: 'l.event_scope', board: 'l.id', event: 'e' })}
       UNION
       SELECT s.leaderboard_id
         FROM race_result r JOIN result_set s ON s.id = r.result_set_id AND s.leaderboard_id IS NOT NULL AND s.state <> ${stateSql('REPLACED')}
         JOIN leaderboard l ON l.id = s.leaderboard_id AND l.active
        WHERE r.participant_id = ANY($1::int[]) AND r.group_key IS NOT NULL
       ORDER BY 1`,
      [riderIds],
    );
    return rows.map((r) => r.id);
  }

  /** Race sets holding a result of both riders: a merge would put one rider in a race twice. */
  async sharedRaces(manager: EntityManager, a: number, b: number): Promise<SharedRace[]> {
    const rows: { set_id: number; state: string; event_id: number; event_name: string; category: string }[] = await manager.query(
      `SELECT s.id AS set_id, s.state, e.id AS event_id, e.name AS event_name, s.category
         FROM race_result x
         JOIN race_result y ON y.result_set_id = x.result_set_id AND y.participant_id = $2 AND ${RACE_ROW('y')}
         JOIN result_set s ON s.id = x.result_set_id
         JOIN event e ON e.id = s.event_id
        WHERE x.participant_id = $1 AND ${RACE_ROW('x')}
        ORDER BY e.date, e.id, s.category, s.id`,
      [a, b],
    );
    return rows.map((r) => ({ resultSetId: r.set_id, state: stateFromCode(r.state), eventId: r.event_id, eventName: r.event_name, category: r.category }));
  }

  /**
   * Deletes `from`'s results in the superseded race sets `setIds` (REPLACED sets that sharedRaces
   * found holding a result of the kept rider too), and answers them. A REPLACED set is history
   * that nobody edits, so a merge could never go through once the race was fixed by a revision
   * (its replaced original still holds both riders), and one set cannot hold one rider twice.
   * The kept rider's result stays; the dropped ones go in the merge's audit record.
   */
  async dropFromSuperseded(manager: EntityManager, from: number, setIds: number[]): Promise<DroppedResult[]> {
    if (setIds.length === 0) return [];
    const rows = await returning<{ result_set_id: number; event_id: number; category: string; bib: string | null; position: number | null; status: string; time_ms: number | null }>(manager,
      `DELETE FROM race_result x USING result_set s
        WHERE s.id = x.result_set_id AND s.id = ANY($2::int[]) AND s.state = ${stateSql('REPLACED')}
          AND x.participant_id = $1 AND ${RACE_ROW('x')}
        RETURNING x.result_set_id, s.event_id, x.category, x.bib, x.position, x.status, x.time_ms`,
      [from, setIds],
    );
    return rows
      .map((r) => ({ resultSetId: r.result_set_id, eventId: r.event_id, category: r.category, bib: r.bib, position: r.position, status: r.status, timeMs: r.time_ms }))
      .sort((a, b) => a.resultSetId - b.resultSetId);
  }

  /**
   * Moves every row of `from` to `into`: race rows, and standings rows (history and the live
   * set alike; the live set's old entry goes on the next run, its key being `from`'s).
   */
  async moveResults(manager: EntityManager, from: number, into: number): Promise<RowsMoved> {
    const moved = await returning<{ result_set_id: number; standings: boolean }>(manager,
      `UPDATE race_result SET participant_id = $2 WHERE participant_id = $1 RETURNING result_set_id, group_key IS NOT NULL AS standings`,
      [from, into],
    );
    const race = moved.filter((m) => !m.standings);
    const aliasesMoved = await execute(manager, 'UPDATE participant_alias SET participant_id = $2 WHERE participant_id = $1', [from, into]);
    return {
      results: race.length,
      resultSetIds: [...new Set(race.map((m) => m.result_set_id))].sort((x, y) => x - y),
      standingsRows: moved.length - race.length,
      aliasesMoved,
    };
  }

  /** Keeps a merged rider's name and licence as an alias of the rider it was merged into. */
  async addAlias(manager: EntityManager, into: number, from: RiderRecord): Promise<AliasRecord> {
    const [row] = await returning<AliasRow>(manager,
      `INSERT INTO participant_alias (participant_id, first_name, last_name, external_id, merged_from)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, first_name, last_name, external_id, merged_from, created_at`,
      [into, from.firstName, from.lastName, from.externalId, from.id],
    );
    return toAlias(row);
  }

  async delete(manager: EntityManager, id: number): Promise<void> {
    await execute(manager, 'DELETE FROM participant WHERE id = $1', [id]);
  }

  async aliasesOf(manager: EntityManager, riderId: number): Promise<AliasRecord[]> {
    const rows: AliasRow[] = await manager.query(
      `SELECT id, first_name, last_name, external_id, merged_from, created_at FROM participant_alias WHERE participant_id = $1 ORDER BY id`,
      [riderId],
    );
    return rows.map(toAlias);
  }

  /** Removes one alias of the rider; answers it, or null when the rider has no such alias. */
  async deleteAlias(manager: EntityManager, riderId: number, aliasId: number): Promise<AliasRecord | null> {
    const rows = await returning<AliasRow>(manager,
      `DELETE FROM participant_alias WHERE id = $1 AND participant_id = $2
       RETURNING id, first_name, last_name, external_id, merged_from, created_at`,
      [aliasId, riderId],
    );
    return rows.length ? toAlias(rows[0]) : null;
  }

  /** Who holds a licence other than `except`: a rider, or a rider through an alias. */
  async licenceHolder(manager: EntityManager, licence: string, except: number): Promise<{ rider: RiderRecord; viaAlias: boolean } | null> {
    const rows: (RiderRow & { via_alias: boolean })[] = await manager.query(
      `SELECT p.id, p.first_name, p.last_name, p.external_id, false AS via_alias FROM participant p WHERE p.external_id = $1 AND p.id <> $2
       UNION ALL
       SELECT p.id, p.first_name, p.last_name, p.external_id, true FROM participant_alias a JOIN participant p ON p.id = a.participant_id
        WHERE a.external_id = $1 AND a.participant_id <> $2
       LIMIT 1`,
      [licence, except],
    );
    return rows.length ? { rider: toRider(rows[0]), viaAlias: rows[0].via_alias } : null;
  }

  async update(manager: EntityManager, id: number, values: Omit<RiderRecord, 'id'>): Promise<void> {
    await execute(manager, 'UPDATE participant SET first_name = $2, last_name = $3, external_id = $4 WHERE id = $1',
      [id, values.firstName, values.lastName, values.externalId]);
  }

  /**
   * Every race result of the rider but superseded ones (REPLACED sets: their revision is listed),
   * newest event first, each with the points that the live standings of its boards give it,
   * read from their stored breakdowns (individual boards only: a team line names its riders,
   * not their ids).
   */
  async resultsOf(manager: EntityManager, riderId: number): Promise<RiderResult[]> {
    const rows: ResultRow[] = await manager.query(
      `SELECT r.id AS result_id, s.id AS set_id, s.state, e.series_id, se.name AS series_name, e.id AS event_id, e.name AS event_name,
              e.date::text AS date, s.category, r.position, r.status, r.time_ms
         FROM race_result r
         JOIN result_set s ON s.id = r.result_set_id AND s.state <> ${stateSql('REPLACED')}
         JOIN event e ON e.id = s.event_id
         JOIN series se ON se.id = e.series_id
        WHERE r.participant_id = $1 AND ${RACE_ROW('r')}
        ORDER BY e.date DESC, e.id DESC, s.category, s.id`,
      [riderId],
    );
    // The breakdowns are compact text (breakdown-form.ts, migration BreakdownText): read whole and
    // their lines picked out here, counted lines then dropped ones, as the jsonb query listed them.
    const boards: BoardRow[] = await manager.query(
      `SELECT s.leaderboard_id, l.name AS leaderboard_name, r.breakdown
         FROM race_result r
         JOIN result_set s ON s.id = r.result_set_id AND s.leaderboard_id IS NOT NULL AND s.state <> ${stateSql('REPLACED')}
         JOIN leaderboard l ON l.id = s.leaderboard_id
        WHERE r.participant_id = $1 AND r.group_key IS NOT NULL AND r.breakdown IS NOT NULL
        ORDER BY s.leaderboard_id`,
      [riderId],
    );
    const lines: PointsRow[] = boards.flatMap((board) => {
      const { counted, dropped } = breakdownCells(board.breakdown);
      const row = (counted: boolean) => (line: LineCells): PointsRow => ({
        leaderboard_id: board.leaderboard_id, leaderboard_name: board.leaderboard_name,
        event_id: line.eventId, category: line.category, points: line.points, counted,
      });
      return [...counted.map(row(true)), ...dropped.map(row(false))];
    });
    const byRace = new Map<string, BoardPoints[]>();
    for (const line of lines) {
      const key = `${line.event_id}|${line.category}`;
      if (!byRace.has(key)) byRace.set(key, []);
      byRace.get(key)!.push({ leaderboardId: line.leaderboard_id, leaderboardName: line.leaderboard_name, points: line.points, counted: line.counted });
    }
    return rows.map((r) => {
      const state = stateFromCode(r.state);
      const feeds = state === 'PROVISIONAL' || state === 'APPROVED';
      return {
        resultId: r.result_id, resultSetId: r.set_id, state,
        seriesId: r.series_id, seriesName: r.series_name, eventId: r.event_id, eventName: r.event_name, date: r.date,
        category: r.category, position: r.position, status: r.status, timeMs: r.time_ms,
        points: feeds ? byRace.get(`${r.event_id}|${r.category}`) ?? [] : [],
      };
    });
  }
}

interface RiderRow {
  id: number;
  first_name: string;
  last_name: string;
  external_id: string | null;
  results?: number;
}

interface AliasRow extends RiderRow {
  merged_from: number;
  created_at: Date;
}

interface ResultRow {
  result_id: number;
  set_id: number;
  state: string;
  series_id: number;
  series_name: string;
  event_id: number;
  event_name: string;
  date: string;
  category: string;
  position: number | null;
  status: ResultStatus;
  time_ms: number | null;
}

interface BoardRow {
  leaderboard_id: number;
  leaderboard_name: string;
  breakdown: string;
}

interface PointsRow {
  leaderboard_id: number;
  leaderboard_name: string;
  event_id: number;
  category: string;
  points: number;
  counted: boolean;
}

function toRider(row: RiderRow): RiderRecord {
  return { id: row.id, firstName: row.first_name, lastName: row.last_name, externalId: row.external_id };
}

function toAlias(row: AliasRow): AliasRecord {
  return { ...toRider(row), mergedFrom: row.merged_from, createdAt: row.created_at.toISOString() };
}
