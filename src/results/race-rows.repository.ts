import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute } from '../common/database/execute';
import { intArray, textArray } from '../common/database/pg-arrays';
import { InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { CustomGroupValuesRepository, GroupValues } from '../series/custom-group-values.repository';
import { IMPORT_RIDER_ID, ParticipantsRepository, RIDER_JOINS, RiderParameters, riderCtes, riderParameters } from './participants.repository';
import type { RegisteredCodes } from '../calculators';
import { isKnownStatus, knownStatusList, PLACED_RESULT_STATUSES, placeIgnored, ResultStatus } from './result-status';
import type { ResultRedress } from '../calculators/types';
import { ResultRowView } from './results.dto';
import { groupNames, groupOf, IncomingRow, riderKey, spelling } from './rider-identity';

/**
 * race_result holds race rows and standings rows alike (DESIGN.md): a race row is one without a
 * group_key. This file is the one place race rows are told apart; standings rows are
 * StandingsRowsRepository's.
 */
export const RACE_ROW = (row: string): string => `${row}.group_key IS NULL`;

/**
 * Merges `rows` (p participant, c1..c3, b bib, pos, st status, t time) into set $1 under
 * category $2; MERGE_INSERT adds the riders the set does not have. Each rider is looked up in
 * the set by an index probe (`present`): joining the batch against the set hashed all of the
 * set's rows for every batch, so an import's later batches (and a re-import's every batch)
 * paid for the rows already there. Only riders whose values differ are updated, and only
 * their bib, place, status and time: a rider whose groups differ is answered in `regrouped`
 * for the import to move at its end, so that until then the rider's groups read as before.
 */
const MERGE_CTES = `
  present AS MATERIALIZED (
    SELECT i.p, (x.category, x.bib, x.position, x.status, x.time_ms) IS DISTINCT FROM ($2, i.b, i.pos, i.st, i.t) AS differs,
                (x.custom1_id, x.custom2_id, x.custom3_id) IS DISTINCT FROM (i.c1, i.c2, i.c3) AS regroup
      FROM rows i
      CROSS JOIN LATERAL (
        SELECT x.custom1_id, x.custom2_id, x.custom3_id, x.category, x.bib, x.position, x.status, x.time_ms
          FROM race_result x WHERE x.result_set_id = $1 AND x.participant_id = i.p AND ${RACE_ROW('x')}
        OFFSET 0) x),
  changed AS (
    UPDATE race_result x SET category = $2, bib = i.b, position = i.pos, status = i.st, time_ms = i.t,
                             redress = CASE WHEN i.st = 'RDG' THEN x.redress END
      FROM rows i
     WHERE x.result_set_id = $1 AND ${RACE_ROW('x')} AND x.participant_id = i.p
       AND x.participant_id = ANY (ARRAY(SELECT p FROM present WHERE differs)))`;
const MERGE_INSERT = `
  INSERT INTO race_result (result_set_id, participant_id, custom1_id, custom2_id, custom3_id, category, bib, position, status, time_ms)
  SELECT $1, i.p, i.c1, i.c2, i.c3, $2, i.b, i.pos, i.st, i.t FROM rows i
   WHERE NOT EXISTS (SELECT 1 FROM present e WHERE e.p = i.p)`;

/** Rows with known participants into set $1 ($3 participant, $4..$6 custom1..3, $7 bib, $8 position, $9 status, $10 time). */
const MERGE_ROWS = `
  WITH rows AS MATERIALIZED (
    SELECT * FROM unnest($3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::int[], $9::text[], $10::int[])
             AS i(p, c1, c2, c3, b, pos, st, t)),
  ${MERGE_CTES},
  added AS (${MERGE_INSERT})
  SELECT (SELECT array_agg(p) FROM present WHERE regroup) AS regrouped`;

/**
 * A whole import batch in one statement: its riders resolved, then its rows merged into set
 * $1 ($3..$6 as RESOLVE_PARTICIPANTS's, then custom1..3, bib, position, status, time, the
 * given participants; $15 and $16 as riderCtes(true) reads them). Answers each row's
 * participant id (a null one, a licence to read afresh, was not merged), the rows whose
 * licence is on file under another name (`renamed`, 1-based), and `regrouped`. Two rows that
 * came to one participant merge nothing: the import is refused for them, and inserting both
 * would only fail on the rider's unique index.
 */
const MERGE_BATCH = `
  WITH input AS MATERIALIZED (
    SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[],
                         $10::text[], $11::int[], $12::text[], $13::int[], $14::int[])
             WITH ORDINALITY AS i(x, f, l, grp, c1, c2, c3, b, pos, st, t, given, ord)),
  ${riderCtes(true)},
  rider AS MATERIALIZED (
    SELECT i.ord, ${IMPORT_RIDER_ID} AS p, i.c1, i.c2, i.c3, i.b, i.pos, i.st, i.t FROM input i ${RIDER_JOINS}),
  twice AS (SELECT p FROM rider WHERE p IS NOT NULL GROUP BY p HAVING count(*) > 1),
  rows AS (SELECT * FROM rider WHERE p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM twice)),
  ${MERGE_CTES},
  added AS (${MERGE_INSERT})
  SELECT (SELECT array_agg(p ORDER BY ord) FROM rider) AS ids,
         (SELECT array_agg(ord::int) FROM known WHERE NOT same) AS renamed,
         (SELECT array_agg(p) FROM present WHERE regroup) AS regrouped`;


/**
 * A batch of rows with every parameter that does not depend on the database already built
 * and serialised. An import prepares a batch while the database is still busy with the one
 * before, so the batch's statements follow each other with next to no JavaScript between
 * them (pg would otherwise serialise 40 000 array elements while the database waits).
 */
export interface PreparedRows {
  rows: IncomingRow[];
  size: number;
  /** Each row's licence, or null: to read afresh a licence created meanwhile. */
  licences: (string | null)[];
  /** RESOLVE_PARTICIPANTS's parameters, and the first four per-row ones of MERGE_BATCH: licence, first name, last name, group. */
  riders: RiderParameters;
  /** Per slot (custom1..3), each row's group name, normalised. */
  groupNames: (string | null)[][];
  /** Their value ids, when all were known as the batch was prepared (from the second batch on, usually). */
  groupIds: (number | null)[][] | null;
  /** The last parameters of MERGE_BATCH: bib, position, status, time. */
  values: [string, string, string, string];
}

/** What an import's statements read to match riders as they were before it (RaceRowsRepository.matchScope). */
export interface MatchScope {
  xid: string;
  mark: string;
}

/** One merged batch of an import. */
export interface MergedBatch {
  /** Each row's participant. */
  ids: number[];
  /** Rows (0-based) whose licence is on file under another spelling of the name: the import renames them at its end. */
  renamed: number[];
  /** Participants whose row in the set had other groups than the batch gives them: the import moves them at its end. */
  regrouped: number[];
}

export function prepareRows(rows: IncomingRow[], known?: GroupValues): PreparedRows {
  const licences = rows.map((r) => r.participant.externalId || null);
  const names = groupNames(rows);
  const groups = rows.map((_, i) => names[0][i] ?? names[1][i] ?? names[2][i]);
  return {
    rows,
    size: rows.length,
    licences,
    riders: riderParameters(rows.map((r) => r.participant), groups, licences),
    groupNames: names,
    groupIds: known?.idsOf(names) ?? null,
    values: [
      textArray(rows.map((r) => r.bib)), intArray(rows.map((r) => r.position)),
      textArray(rows.map((r) => r.status)), intArray(rows.map((r) => r.timeMs)),
    ],
  };
}

/**
 * Race rows (a rider's result in a race: the rows of a result set without a group_key; the
 * standings rows are StandingsRowsRepository's). Set-based writes: participants and custom
 * values are resolved for a whole batch in a few statements, so a 500-row replace is a handful
 * of queries, not 1,500.
 */
@Injectable()
export class RaceRowsRepository {
  constructor(
    private readonly participants: ParticipantsRepository,
    private readonly groupValues: CustomGroupValuesRepository,
  ) {}

  /**
   * Checks what the database cannot explain well (a rider twice, a status code that is neither
   * built-in nor `registered`), and drops the place of a non-finisher (a DNF with a place, as
   * timing systems export it): answers a warning per dropped place.
   */
  validate(rows: IncomingRow[], registered: RegisteredCodes, fieldPrefix = ''): string[] {
    const problems: { field: string; message: string }[] = [];
    const warnings: string[] = [];
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const redress = redressProblem(row);
      if (redress) problems.push({ field: `${fieldPrefix}[${index}].redress`, message: redress });
      if (!isKnownStatus(row.status, registered)) {
        problems.push({ field: `${fieldPrefix}[${index}].status`, message: `unknown status code "${row.status}"; known: FIN, ${knownStatusList(registered)}` });
      }
      if (row.position != null && !PLACED_RESULT_STATUSES.includes(row.status)) {
        warnings.push(`${fieldPrefix}[${index}].position: ${placeIgnored(row.status, row.position)}`);
        row.position = null;
      }
      const key = riderKey(row);
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({ field: `${fieldPrefix}[${index}].participant`, message: `the same rider as ${fieldPrefix}[${first}]` });
      } else {
        seen.set(key, index);
      }
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    return warnings;
  }

  async insert(manager: EntityManager, resultSetId: number, seriesId: number, category: string, rows: IncomingRow[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const inserted: { id: number }[] = await manager.query(
      `INSERT INTO race_result (result_set_id, participant_id, custom1_id, custom2_id, custom3_id, category, bib, position, status, time_ms, redress)
       SELECT $1, p, c1, c2, c3, $2, b, pos, st, t, rd::jsonb
         FROM unnest($3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::int[], $9::text[], $10::int[], $11::text[])
              WITH ORDINALITY AS r(p, c1, c2, c3, b, pos, st, t, rd, ord)
        ORDER BY ord
       RETURNING id`,
      [resultSetId, category, ...(await this.columns(manager, seriesId, rows)), rows.map(redressJson)],
    );
    return inserted.map((row) => row.id);
  }

  /**
   * What an import's statements need to see the riders as they were before it (see
   * riderCtes): the transaction's id, and the highest race row id so far. Read before the
   * import writes its first row. The id is the top-level transaction's: rows written under a
   * savepoint would carry the subtransaction's instead, so an import must not use one.
   */
  async matchScope(manager: EntityManager): Promise<MatchScope> {
    const [scope]: MatchScope[] = await manager.query(
      `SELECT pg_current_xact_id()::xid::text AS xid, (SELECT COALESCE(max(id), 0) FROM race_result)::text AS mark`,
    );
    return scope;
  }

  /**
   * Brings these riders' rows of the set in line with the batch, writing only what differs: a
   * rider already in the set is updated if a value changed (else left alone), a new rider is
   * inserted. Answers each row's participant, for the caller to remove the riders that are no
   * longer there (removeOthers) once every batch is in, and what the caller must finish itself
   * (renames, group changes: see MergedBatch). One statement resolves the riders and merges
   * the rows, so no JavaScript runs between the two while the database waits.
   */
  async merge(
    manager: EntityManager, resultSetId: number, seriesId: number, category: string, batch: PreparedRows,
    groups: GroupValues, scope: MatchScope, given: (number | null)[] | null = null,
  ): Promise<MergedBatch> {
    if (batch.size === 0) return { ids: [], renamed: [], regrouped: [] };
    const custom = batch.groupIds ?? await this.groupValues.customValueIds(manager, seriesId, batch.groupNames, groups);
    const [answer]: { ids: (number | null)[]; renamed: number[] | null; regrouped: number[] | null }[] = await manager.query(MERGE_BATCH, [
      resultSetId, category, ...batch.riders, ...custom.map(intArray), ...batch.values, given && intArray(given), scope.xid, scope.mark,
    ]);
    const { ids } = answer;
    const renamed = (answer.renamed ?? []).map((ord) => ord - 1);
    const regrouped = answer.regrouped ?? [];
    const unseen = ids.flatMap((id, i) => (id === null ? [i] : []));
    if (unseen.length > 0) {
      const late = await this.participants.readLicences(manager, unseen.map((i) => batch.licences[i]!));
      for (const i of unseen) {
        const found = late.get(batch.licences[i]!);
        ids[i] = found?.id ?? null;
        const { firstName, lastName } = spelling(batch.rows[i].participant);
        if (found && (found.firstName !== firstName || found.lastName !== lastName)) renamed.push(i);
      }
      const pick = <T>(values: T[]) => unseen.map((i) => values[i]);
      const rows = pick(batch.rows);
      const [{ regrouped: moved }]: { regrouped: number[] | null }[] = await manager.query(MERGE_ROWS, [
        resultSetId, category, intArray(pick(ids)), ...custom.map((c) => intArray(pick(c))),
        textArray(rows.map((r) => r.bib)), intArray(rows.map((r) => r.position)), textArray(rows.map((r) => r.status)), intArray(rows.map((r) => r.timeMs)),
      ]);
      if (moved) regrouped.push(...moved);
    }
    return { ids: ids as number[], renamed, regrouped };
  }

  /** Sets the groups of these riders' rows of the set: the group changes an import held back (see MERGE_CTES). */
  async regroup(manager: EntityManager, resultSetId: number, riders: number[], custom: (number | null)[][]): Promise<void> {
    if (riders.length === 0) return;
    await manager.query(
      `UPDATE race_result x SET custom1_id = u.c1, custom2_id = u.c2, custom3_id = u.c3
         FROM unnest($2::int[], $3::int[], $4::int[], $5::int[]) AS u(p, c1, c2, c3)
        WHERE x.result_set_id = $1 AND ${RACE_ROW('x')} AND x.participant_id = u.p`,
      [resultSetId, intArray(riders), ...custom.map(intArray)],
    );
  }

  /**
   * The rows as the eight column arrays insert and merge send (participant, custom1..3, bib,
   * position, status, time), riders and group values resolved for the whole batch.
   */
  private async columns(manager: EntityManager, seriesId: number, rows: IncomingRow[]) {
    const participantIds = await this.participants.resolveParticipants(manager, rows.map((r) => r.participant), rows.map(groupOf));
    const [custom1, custom2, custom3] = await this.groupValues.customValueIds(manager, seriesId, groupNames(rows));
    return [
      participantIds, custom1, custom2, custom3,
      rows.map((r) => r.bib ?? null), rows.map((r) => r.position ?? null), rows.map((r) => r.status), rows.map((r) => r.timeMs ?? null),
    ] as [number[], ...unknown[]];
  }

  /** Deletes the set's rider rows other than these riders'. */
  async removeOthers(manager: EntityManager, resultSetId: number, keep: number[]): Promise<number> {
    return execute(manager,
      `DELETE FROM race_result WHERE result_set_id = $1 AND ${RACE_ROW('race_result')} AND participant_id <> ALL($2::int[])`,
      [resultSetId, keep],
    );
  }

  async deleteAll(manager: EntityManager, resultSetId: number): Promise<number> {
    return execute(manager, 'DELETE FROM race_result WHERE result_set_id = $1', [resultSetId]);
  }



  /** The set a race row belongs to. */
  async setOfRow(manager: EntityManager, rowId: number): Promise<number> {
    const rows: { result_set_id: number }[] = await manager.query('SELECT result_set_id FROM race_result WHERE id = $1', [rowId]);
    if (rows.length === 0) throw new NotFoundError('Result', rowId);
    return rows[0].result_set_id;
  }

  /** Rewrites one row, its rider and groups resolved as insert resolves them. */
  async update(manager: EntityManager, rowId: number, seriesId: number, row: IncomingRow): Promise<void> {
    const [[participantId], [custom1], [custom2], [custom3]] = await this.columns(manager, seriesId, [row]) as [number[], ...(number | null)[][]];
    await manager.query(
      `UPDATE race_result SET participant_id = $2, bib = $3, position = $4, status = $5, time_ms = $6,
              custom1_id = $7, custom2_id = $8, custom3_id = $9, redress = $10::jsonb WHERE id = $1`,
      [rowId, participantId, row.bib ?? null, row.position ?? null, row.status, row.timeMs ?? null, custom1, custom2, custom3, redressJson(row)],
    );
  }

  async deleteRow(manager: EntityManager, rowId: number): Promise<void> {
    await manager.query('DELETE FROM race_result WHERE id = $1', [rowId]);
  }

  async rowsOf(manager: EntityManager, resultSetIds: number[]): Promise<Map<number, ResultRowView[]>> {
    const rows: RowRecord[] = await manager.query(
      `SELECT r.id, r.result_set_id, r.bib, r.position, r.status, r.time_ms, r.redress,
              p.id AS participant_id, p.external_id, p.first_name, p.last_name,
              c1.name AS custom1, c2.name AS custom2, c3.name AS custom3
         FROM race_result r
         JOIN participant p ON p.id = r.participant_id
         LEFT JOIN custom_list_value c1 ON c1.id = r.custom1_id
         LEFT JOIN custom_list_value c2 ON c2.id = r.custom2_id
         LEFT JOIN custom_list_value c3 ON c3.id = r.custom3_id
        WHERE r.result_set_id = ANY($1::int[])
        ORDER BY r.result_set_id, r.position NULLS LAST, r.status, p.last_name, p.first_name, r.id`,
      [resultSetIds],
    );
    const bySet = new Map<number, ResultRowView[]>(resultSetIds.map((id) => [id, []]));
    for (const row of rows) bySet.get(row.result_set_id)!.push(toRowView(row));
    return bySet;
  }
}

interface RowRecord {
  id: number;
  result_set_id: number;
  bib: string | null;
  position: number | null;
  status: ResultStatus;
  time_ms: number | null;
  redress: ResultRedress | null;
  participant_id: number;
  external_id: string | null;
  first_name: string;
  last_name: string;
  custom1: string | null;
  custom2: string | null;
  custom3: string | null;
}

function toRowView(row: RowRecord): ResultRowView {
  const participant: ResultRowView['participant'] = { id: row.participant_id, firstName: row.first_name, lastName: row.last_name };
  if (row.external_id) participant.externalId = row.external_id;
  return {
    id: row.id,
    participant,
    bib: row.bib,
    position: row.position,
    status: row.status,
    timeMs: row.time_ms,
    custom1: row.custom1,
    custom2: row.custom2,
    custom3: row.custom3,
    redress: row.redress,
  };
}

/**
 * What is wrong with a row's redress, if anything: it is for RDG results only, and gives exactly
 * one of its three options (the DTO has checked each option's value). A sound one is kept as
 * the one option alone, as it is stored.
 */
function redressProblem(row: IncomingRow): string | null {
  const given = row.redress;
  if (given == null) return null;
  if (row.status !== 'RDG') return `redress is for RDG results only, not ${row.status}`;
  const options = (['points', 'events', 'average'] as const).filter((key) => given[key] !== undefined);
  if (options.length !== 1) return 'give exactly one of points (a stated score), events (the races to average) or average: true';
  const [key] = options;
  row.redress = { [key]: given[key] };
  return null;
}

/** A row's redress as the JSON text the jsonb column is written from; null when it has none. */
function redressJson(row: IncomingRow): string | null {
  return row.redress == null ? null : JSON.stringify(row.redress);
}
