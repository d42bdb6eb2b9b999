import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute } from '../common/database/execute';
import { InvalidInputError } from '../common/errors/domain-errors';
import { ResultStatus } from './race-result.entity';
import { ResultRowView } from './results.dto';

/** A result row as the API and the importer hand it over: participant and groups by name. */
export interface IncomingRow {
  participant: { externalId?: string | null; firstName: string; lastName: string };
  bib?: string | null;
  position?: number | null;
  status: ResultStatus;
  timeMs?: number | null;
  custom1?: string | null;
  custom2?: string | null;
  custom3?: string | null;
}

const SLOTS = [1, 2, 3] as const;
type Slot = (typeof SLOTS)[number];

/**
 * Custom value ids by slot and name (without case), for the batches of one transaction:
 * values are only ever added, so an id once read stays right until the transaction ends.
 */
export class GroupValues {
  private readonly ids = new Map<string, number>();

  has(slot: Slot, name: string): boolean {
    return this.ids.has(GroupValues.key(slot, name));
  }

  get(slot: Slot, name: string): number {
    return this.ids.get(GroupValues.key(slot, name))!;
  }

  set(slot: Slot, name: string, id: number): void {
    this.ids.set(GroupValues.key(slot, name), id);
  }

  /** Every row's id per slot, if all the names are known already (else null: some must be looked up). */
  idsOf(names: (string | null)[][]): (number | null)[][] | null {
    const ids: (number | null)[][] = [];
    for (const slot of SLOTS) {
      const slotIds: (number | null)[] = [];
      for (const name of names[slot - 1]) {
        if (name === null) slotIds.push(null);
        else {
          const id = this.ids.get(GroupValues.key(slot, name));
          if (id === undefined) return null;
          slotIds.push(id);
        }
      }
      ids.push(slotIds);
    }
    return ids;
  }

  private static key(slot: Slot, name: string): string {
    return `${slot}:${name.toLowerCase()}`;
  }
}

/**
 * The riders of a batch, resolved to participant ids. Reads `input` (x licence, f first name,
 * l last name, grp group, ord row number; names already collapsed; for an import also `given`,
 * a participant the row is known to be); RIDER_ID over RIDER_JOINS is each row's participant.
 * - Licensed riders are upserted by licence. One whose name is unchanged is neither rewritten
 *   nor locked (a re-import touches no participant row): its id comes from the snapshot
 *   (`known`), the others' from RETURNING. A licence committed by another transaction after
 *   the snapshot, with the same name (for an import, any name), comes back null for the
 *   caller to read afresh.
 * - Unlicensed riders take their namesake: one index probe each. The LATERAL's OFFSET 0 keeps
 *   it a probe (flattened into a join, the planner merge-joined the whole participant table
 *   for every batch); the preferred of several namesakes is picked once, outside, rather than
 *   by a sort per probe. A group counts by name in any slot of any series, so its value ids
 *   are gathered once. A namesake who raced for the row's group (or, for a row without one,
 *   who never raced for a group) is preferred to one who merely may be the rider: a re-import
 *   then finds each of two namesakes its own row again.
 * - The others are created, their ids drawn from the identity's sequence first so that each
 *   row knows its own (RETURNING promises no order). They are the probed rows whose match is
 *   null, not an anti-join against the matches: the planner, which cannot estimate the
 *   unnested rows, ran that as a nested loop over every pair of the batch's rows.
 * Every part reads the statement's snapshot: riders of one batch do not match each other.
 *
 * An import (`forImport`) writes many such statements into one transaction, and its rows must
 * be matched alike whichever statement they fall in, so it makes every row see the riders as
 * they were before the import: participants this transaction created ($15, its xid, is their
 * xmin) are no namesakes; race rows it inserted (ids above $16, the highest before it began)
 * are no evidence of a group; renames and group changes of existing rows wait for the end
 * (ImportWriter.finish), so names and groups read here are the old ones. Rows of the import
 * that are one rider share a participant through `given`, not through a probe.
 */
function riderCtes(forImport: boolean): string {
  // Rows this transaction updated keep their ids (and, until the end, their groups), so they still count.
  const before = forImport ? ' AND (r.id <= $16::bigint OR r.xmin <> $15::xid)' : '';
  const racedForGroup = `EXISTS (SELECT 1 FROM race_result r WHERE r.participant_id = p.id${before}
                                  AND (r.custom1_id = ANY(g.ids) OR r.custom2_id = ANY(g.ids) OR r.custom3_id = ANY(g.ids)))`;
  const racedInAGroup = `EXISTS (SELECT 1 FROM race_result r WHERE r.participant_id = p.id${before}
                                  AND COALESCE(r.custom1_id, r.custom2_id, r.custom3_id) IS NOT NULL)`;
  const probed = forImport ? 'i.x IS NULL AND i.given IS NULL' : 'i.x IS NULL';
  return `
  licence AS (
    SELECT DISTINCT ON (x) x, f, l, ord FROM input WHERE x IS NOT NULL ORDER BY x, ord),
  known AS (
    SELECT p.id, p.external_id, g.ord, (p.first_name, p.last_name) IS NOT DISTINCT FROM (g.f, g.l) AS same
      FROM licence g JOIN participant p ON p.external_id = g.x),
  licensed AS (
    INSERT INTO participant AS p (external_id, first_name, last_name)
    SELECT x, f, l FROM licence g
     WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.external_id = g.x${forImport ? '' : ' AND k.same'})
    ON CONFLICT (external_id) WHERE external_id IS NOT NULL
    ${forImport ? 'DO NOTHING' : `DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name
     WHERE (p.first_name, p.last_name) IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name)`}
    RETURNING p.id, p.external_id),
  grp AS (
    SELECT lower(v.name) AS key, array_agg(v.id) AS ids FROM custom_list_value v
     WHERE lower(v.name) IN (SELECT lower(grp) FROM input i WHERE ${probed} AND grp IS NOT NULL) GROUP BY 1),
  namesake AS MATERIALIZED (
    SELECT DISTINCT ON (i.ord) i.ord, i.f, i.l, m.id
      FROM input i LEFT JOIN grp g ON g.key = lower(i.grp)
      LEFT JOIN LATERAL (
        SELECT q.id, q.external_id, q.fit FROM (
          SELECT p.id, p.external_id,
                 CASE WHEN i.grp IS NULL THEN CASE WHEN ${racedInAGroup} THEN 1 ELSE 0 END
                      WHEN ${racedForGroup} THEN 0
                      WHEN NOT ${racedInAGroup} THEN 1 END AS fit
            FROM participant p
           WHERE lower(p.last_name) = lower(i.l) AND lower(p.first_name) = lower(i.f)${forImport ? ' AND p.xmin <> $15::xid' : ''}
           OFFSET 0) q
         WHERE q.fit IS NOT NULL) m ON true
     WHERE ${probed}
     ORDER BY i.ord, m.fit, m.external_id IS NOT NULL, m.id),
  newcomer AS MATERIALIZED (
    SELECT ord, f, l, nextval((SELECT pg_get_serial_sequence('participant', 'id'))::regclass)::int AS id
      FROM namesake WHERE id IS NULL),
  created AS (
    INSERT INTO participant (id, first_name, last_name) OVERRIDING SYSTEM VALUE
    SELECT id, f, l FROM newcomer ORDER BY ord)`;
}
const RIDER_ID = 'COALESCE(w.id, k.id, n.id, c.id)';
const IMPORT_RIDER_ID = 'COALESCE(w.id, k.id, i.given, n.id, c.id)';
const RIDER_JOINS = `
    LEFT JOIN licensed w ON w.external_id = i.x
    LEFT JOIN known k ON k.external_id = i.x
    LEFT JOIN namesake n ON n.ord = i.ord
    LEFT JOIN newcomer c ON c.ord = i.ord`;

/** Riders to participant ids, in row order ($1 licence, $2 first name, $3 last name, $4 group). */
const RESOLVE_PARTICIPANTS = `
  WITH input AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS i(x, f, l, grp, ord)),
  ${riderCtes(false)}
  SELECT array_agg(${RIDER_ID} ORDER BY i.ord) AS ids FROM input i ${RIDER_JOINS}`;

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
          FROM race_result x WHERE x.result_set_id = $1 AND x.participant_id = i.p AND x.group_key IS NULL
        OFFSET 0) x),
  changed AS (
    UPDATE race_result x SET category = $2, bib = i.b, position = i.pos, status = i.st, time_ms = i.t
      FROM rows i
     WHERE x.result_set_id = $1 AND x.group_key IS NULL AND x.participant_id = i.p
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
  riders: [string, string, string, string];
  /** Per slot (custom1..3), each row's group name, normalised. */
  groupNames: (string | null)[][];
  /** Their value ids, when all were known as the batch was prepared (from the second batch on, usually). */
  groupIds: (number | null)[][] | null;
  /** The last parameters of MERGE_BATCH: bib, position, status, time. */
  values: [string, string, string, string];
}

/** What an import's statements read to match riders as they were before it (ResultRowsRepository.matchScope). */
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

function riderParameters(people: IncomingRow['participant'][], groups: (string | null)[], licences: (string | null)[]): PreparedRows['riders'] {
  return [
    textArray(licences),
    textArray(people.map((p) => collapseSpaces(p.firstName))),
    textArray(people.map((p) => collapseSpaces(p.lastName))),
    textArray(people.map((_, i) => groups[i] ?? null)),
  ];
}

function groupNames(rows: IncomingRow[]): (string | null)[][] {
  return SLOTS.map((slot) => rows.map((r) => normaliseName(r[`custom${slot}`])));
}

/** A PostgreSQL array literal of integers: `{1,NULL,3}`. */
export function intArray(values: readonly (number | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (i === 0 ? '' : ',') + (v == null ? 'NULL' : String(v));
  }
  return `${out}}`;
}

const NEEDS_ESCAPE = /[\\"]/;

/** A PostgreSQL array literal of texts, every element quoted: `{"a","b \"c\"",NULL}` for a, b "c", null. */
export function textArray(values: readonly (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const element = v == null ? 'NULL' : `"${NEEDS_ESCAPE.test(v) ? v.replace(/[\\"]/g, '\\$&') : v}"`;
    out += (i === 0 ? '' : ',') + element;
  }
  return `${out}}`;
}

/**
 * Set-based writes of race rows: participants and custom values are resolved for a whole batch
 * in a few statements, so a 500-row replace is a handful of queries, not 1,500.
 */
@Injectable()
export class ResultRowsRepository {
  /** Checks what the database cannot explain well: placed non-finishers, a rider twice. */
  validate(rows: IncomingRow[], fieldPrefix = ''): void {
    const problems: { field: string; message: string }[] = [];
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      if (row.position != null && row.status !== 'FIN') {
        problems.push({ field: `${fieldPrefix}[${index}].position`, message: `a ${row.status} rider has no place; leave position empty` });
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
  }

  async insert(manager: EntityManager, resultSetId: number, seriesId: number, category: string, rows: IncomingRow[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const inserted: { id: number }[] = await manager.query(
      `INSERT INTO race_result (result_set_id, participant_id, custom1_id, custom2_id, custom3_id, category, bib, position, status, time_ms)
       SELECT $1, p, c1, c2, c3, $2, b, pos, st, t
         FROM unnest($3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::int[], $9::text[], $10::int[])
              WITH ORDINALITY AS r(p, c1, c2, c3, b, pos, st, t, ord)
        ORDER BY ord
       RETURNING id`,
      [resultSetId, category, ...(await this.columns(manager, seriesId, rows))],
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
    const custom = batch.groupIds ?? await this.customValueIds(manager, seriesId, batch.groupNames, groups);
    const [answer]: { ids: (number | null)[]; renamed: number[] | null; regrouped: number[] | null }[] = await manager.query(MERGE_BATCH, [
      resultSetId, category, ...batch.riders, ...custom.map(intArray), ...batch.values, given && intArray(given), scope.xid, scope.mark,
    ]);
    const { ids } = answer;
    const renamed = (answer.renamed ?? []).map((ord) => ord - 1);
    const regrouped = answer.regrouped ?? [];
    const unseen = ids.flatMap((id, i) => (id === null ? [i] : []));
    if (unseen.length > 0) {
      const late = await this.readLicences(manager, unseen.map((i) => batch.licences[i]!));
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

  /** "First Last" of these participants, as on file. */
  async namesOf(manager: EntityManager, ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: number; name: string }[] = await manager.query(
      `SELECT id, first_name || ' ' || last_name AS name FROM participant WHERE id = ANY($1::int[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Sets the groups of these riders' rows of the set: the group changes an import held back (see MERGE_CTES). */
  async regroup(manager: EntityManager, resultSetId: number, riders: number[], custom: (number | null)[][]): Promise<void> {
    if (riders.length === 0) return;
    await manager.query(
      `UPDATE race_result x SET custom1_id = u.c1, custom2_id = u.c2, custom3_id = u.c3
         FROM unnest($2::int[], $3::int[], $4::int[], $5::int[]) AS u(p, c1, c2, c3)
        WHERE x.result_set_id = $1 AND x.group_key IS NULL AND x.participant_id = u.p`,
      [resultSetId, intArray(riders), ...custom.map(intArray)],
    );
  }

  /**
   * Saves these spellings of riders' names: the renames an import held back. One marked
   * `ifCreated` is renamed only if this transaction created it (a rider without a licence
   * keeps the name on file once matched).
   */
  async rename(manager: EntityManager, xid: string, names: { id: number; firstName: string; lastName: string; ifCreated: boolean }[]): Promise<void> {
    if (names.length === 0) return;
    await manager.query(
      `UPDATE participant p SET first_name = u.f, last_name = u.l
         FROM unnest($1::int[], $2::text[], $3::text[], $4::bool[]) AS u(id, f, l, if_created)
        WHERE p.id = u.id AND (NOT u.if_created OR p.xmin = $5::xid)
          AND (p.first_name, p.last_name) IS DISTINCT FROM (u.f, u.l)`,
      [intArray(names.map((n) => n.id)), textArray(names.map((n) => n.firstName)), textArray(names.map((n) => n.lastName)),
        `{${names.map((n) => (n.ifCreated ? 't' : 'f')).join(',')}}`, xid],
    );
  }

  /**
   * The rows as the eight column arrays insert and merge send (participant, custom1..3, bib,
   * position, status, time), riders and group values resolved for the whole batch.
   */
  private async columns(manager: EntityManager, seriesId: number, rows: IncomingRow[]) {
    const participantIds = await this.resolveParticipants(manager, rows.map((r) => r.participant), rows.map(groupOf));
    const [custom1, custom2, custom3] = await this.resolveCustomValues(manager, seriesId, rows);
    return [
      participantIds, custom1, custom2, custom3,
      rows.map((r) => r.bib ?? null), rows.map((r) => r.position ?? null), rows.map((r) => r.status), rows.map((r) => r.timeMs ?? null),
    ] as [number[], ...unknown[]];
  }

  /** Deletes the set's rider rows other than these riders'. */
  async removeOthers(manager: EntityManager, resultSetId: number, keep: number[]): Promise<number> {
    return execute(manager,
      `DELETE FROM race_result WHERE result_set_id = $1 AND group_key IS NULL AND participant_id <> ALL($2::int[])`,
      [resultSetId, keep],
    );
  }

  async deleteAll(manager: EntityManager, resultSetId: number): Promise<number> {
    return execute(manager, 'DELETE FROM race_result WHERE result_set_id = $1', [resultSetId]);
  }

  /**
   * Riders with a licence are upserted by it (the latest spelling of the name wins). Riders
   * without one are matched by name (case and spacing ignored) within their school or club:
   * a namesake counts only if they have raced for the row's group (its first filled slot,
   * matched by name) or for no group at all, so two "Ann Lee"s of different schools stay two
   * riders. Unmatched riders are created. One statement for the whole batch: an import sends
   * thousands of these, and every round trip is time the database waits.
   */
  async resolveParticipants(manager: EntityManager, people: IncomingRow['participant'][], groups: (string | null)[] = []): Promise<number[]> {
    if (people.length === 0) return [];
    const licences = people.map((p) => p.externalId || null);
    return this.resolveRiders(manager, riderParameters(people, groups, licences), licences);
  }

  private async resolveRiders(manager: EntityManager, riders: PreparedRows['riders'], licences: (string | null)[]): Promise<number[]> {
    const [{ ids }]: { ids: (number | null)[] }[] = await manager.query(RESOLVE_PARTICIPANTS, riders);
    const unseen = licences.map((licence, i) => ({ licence, i })).filter(({ i }) => ids[i] === null);
    if (unseen.length > 0) {
      const late = await this.readLicences(manager, unseen.map(({ licence }) => licence!));
      for (const { licence, i } of unseen) ids[i] = late.get(licence!)?.id ?? null;
    }
    return ids as number[];
  }

  /**
   * Participants by licence, in a statement of their own: for licences another transaction
   * created after the upsert's snapshot (the upsert waited for them and left them alone, so
   * only a fresh read sees them). With their names: an import renames them at its end.
   */
  private async readLicences(manager: EntityManager, licences: string[]): Promise<Map<string, { id: number; firstName: string; lastName: string }>> {
    const rows: { id: number; external_id: string; first_name: string; last_name: string }[] = await manager.query(
      'SELECT id, external_id, first_name, last_name FROM participant WHERE external_id = ANY($1::text[])',
      [licences],
    );
    return new Map(rows.map((r) => [r.external_id, { id: r.id, firstName: r.first_name, lastName: r.last_name }]));
  }

  /**
   * Ids of the custom values named in the rows, per slot, creating lists and values on first
   * use. Pass one GroupValues to every batch of an import: the series' schools then cost a
   * query only the first time each is seen.
   */
  async resolveCustomValues(manager: EntityManager, seriesId: number, rows: IncomingRow[], known = new GroupValues()): Promise<(number | null)[][]> {
    return this.customValueIds(manager, seriesId, groupNames(rows), known);
  }

  /** `names` per slot (custom1..3), one per row, already normalised. */
  private async customValueIds(manager: EntityManager, seriesId: number, names: (string | null)[][], known: GroupValues): Promise<(number | null)[][]> {
    const result: (number | null)[][] = [];
    for (const slot of SLOTS) {
      const slotNames = names[slot - 1];
      const unknown = [...new Set(slotNames.filter((n): n is string => n !== null && !known.has(slot, n)))];
      if (unknown.length > 0) await this.createCustomValues(manager, seriesId, slot, unknown, known);
      result.push(slotNames.map((n) => (n === null ? null : known.get(slot, n))));
    }
    return result;
  }

  private async createCustomValues(manager: EntityManager, seriesId: number, slot: Slot, names: string[], known: GroupValues): Promise<void> {
    const [list]: { id: number }[] = await manager.query(
      `INSERT INTO custom_list (series_id, slot, name)
       SELECT $1, $2, COALESCE((SELECT custom${slot}_label FROM series WHERE id = $1), 'custom${slot}')
       ON CONFLICT (series_id, slot) DO UPDATE SET name = custom_list.name
       RETURNING id`,
      [seriesId, slot],
    );
    await manager.query(
      `INSERT INTO custom_list_value (custom_list_id, name)
       SELECT $1, n FROM unnest($2::text[]) AS n
       ON CONFLICT (custom_list_id, lower(name)) DO NOTHING`,
      [list.id, names],
    );
    // Keyed by the name as given: PostgreSQL's lower() and JavaScript's need not agree.
    const values: { id: number; name: string }[] = await manager.query(
      `SELECT v.id, n AS name FROM unnest($2::text[]) AS n
         JOIN custom_list_value v ON v.custom_list_id = $1 AND lower(v.name) = lower(n)`,
      [list.id, names],
    );
    for (const v of values) known.set(slot, v.name, v.id);
  }

  async rowsOf(manager: EntityManager, resultSetIds: number[]): Promise<Map<number, ResultRowView[]>> {
    const rows: RowRecord[] = await manager.query(
      `SELECT r.id, r.result_set_id, r.bib, r.position, r.status, r.time_ms,
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
  };
}

/** The rider's school or club: the first filled grouping slot. */
export function groupOf(row: Pick<IncomingRow, 'custom1' | 'custom2' | 'custom3'>): string | null {
  return normaliseName(row.custom1) ?? normaliseName(row.custom2) ?? normaliseName(row.custom3);
}

/** A rider's name as it is stored and compared. */
export function spelling(person: IncomingRow['participant']): { firstName: string; lastName: string } {
  return { firstName: collapseSpaces(person.firstName), lastName: collapseSpaces(person.lastName) };
}

/** Names are compared and stored trimmed, with runs of spaces as one. */
function collapseSpaces(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function normaliseName(value: string | null | undefined): string | null {
  const collapsed = value == null ? '' : collapseSpaces(value);
  return collapsed ? collapsed : null;
}

/**
 * Who a row is, for "the same rider twice" checks: the licence, else the name within the
 * school or club (two "Ann Lee"s of different schools are two riders, as in resolveParticipants).
 */
export function riderKey(row: Pick<IncomingRow, 'participant' | 'custom1' | 'custom2' | 'custom3'>): string {
  const p = row.participant;
  if (p.externalId) return `id:${p.externalId}`;
  const name = (text: string) => collapseSpaces(text).toLowerCase();
  return `name:${name(p.firstName)}|${name(p.lastName)}|${groupOf(row)?.toLowerCase() ?? ''}`;
}
