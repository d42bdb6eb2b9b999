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

  private static key(slot: Slot, name: string): string {
    return `${slot}:${name.toLowerCase()}`;
  }
}

/**
 * Resolves a batch of riders to participant ids, in row order ($1 licence, $2 first name,
 * $3 last name, $4 group, each per row; names already collapsed).
 * - Licensed riders are upserted by licence. One whose name is unchanged is neither rewritten
 *   nor locked (a re-import touches no participant row): its id comes from the snapshot
 *   (`known`), the others' from RETURNING. A licence committed by another transaction after
 *   the snapshot, with the same name, comes back null for the caller to read afresh.
 * - Unlicensed riders take their namesake: one index probe each. The LATERAL's OFFSET 0 keeps
 *   it a probe (flattened into a join, the planner merge-joined the whole participant table
 *   for every batch); the preferred of several namesakes is picked once, outside, rather than
 *   by a sort per probe. A group counts by name in any slot of any series, so its value ids
 *   are gathered once.
 * - The others are created, their ids drawn from the identity's sequence first so that each
 *   row knows its own (RETURNING promises no order).
 * Every part reads the statement's snapshot: riders of one batch do not match each other.
 */
const RESOLVE_PARTICIPANTS = `
  WITH input AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS i(x, f, l, grp, ord)),
  licence AS (
    SELECT DISTINCT ON (x) x, f, l FROM input WHERE x IS NOT NULL ORDER BY x, ord),
  known AS (
    SELECT p.id, p.external_id, (p.first_name, p.last_name) IS NOT DISTINCT FROM (g.f, g.l) AS same
      FROM licence g JOIN participant p ON p.external_id = g.x),
  licensed AS (
    INSERT INTO participant AS p (external_id, first_name, last_name)
    SELECT x, f, l FROM licence g WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.external_id = g.x AND k.same)
    ON CONFLICT (external_id) WHERE external_id IS NOT NULL
    DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name
     WHERE (p.first_name, p.last_name) IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name)
    RETURNING p.id, p.external_id),
  grp AS (
    SELECT lower(v.name) AS key, array_agg(v.id) AS ids FROM custom_list_value v
     WHERE lower(v.name) IN (SELECT lower(grp) FROM input WHERE x IS NULL AND grp IS NOT NULL) GROUP BY 1),
  namesake AS MATERIALIZED (
    SELECT DISTINCT ON (i.ord) i.ord, m.id
      FROM input i LEFT JOIN grp g ON g.key = lower(i.grp)
      CROSS JOIN LATERAL (
        SELECT p.id, p.external_id FROM participant p
         WHERE lower(p.last_name) = lower(i.l) AND lower(p.first_name) = lower(i.f)
           AND (i.grp IS NULL
                OR EXISTS (SELECT 1 FROM race_result r
                            WHERE r.participant_id = p.id
                              AND (r.custom1_id = ANY(g.ids) OR r.custom2_id = ANY(g.ids) OR r.custom3_id = ANY(g.ids)))
                OR NOT EXISTS (SELECT 1 FROM race_result r
                                WHERE r.participant_id = p.id AND COALESCE(r.custom1_id, r.custom2_id, r.custom3_id) IS NOT NULL))
         OFFSET 0) m
     WHERE i.x IS NULL
     ORDER BY i.ord, m.external_id IS NOT NULL, m.id),
  newcomer AS MATERIALIZED (
    SELECT i.ord, i.f, i.l, nextval((SELECT pg_get_serial_sequence('participant', 'id'))::regclass)::int AS id
      FROM input i
     WHERE i.x IS NULL AND NOT EXISTS (SELECT 1 FROM namesake n WHERE n.ord = i.ord)),
  created AS (
    INSERT INTO participant (id, first_name, last_name) OVERRIDING SYSTEM VALUE
    SELECT id, f, l FROM newcomer ORDER BY ord)
  SELECT array_agg(COALESCE(w.id, k.id, n.id, c.id) ORDER BY i.ord) AS ids
    FROM input i
    LEFT JOIN licensed w ON w.external_id = i.x
    LEFT JOIN known k ON k.external_id = i.x
    LEFT JOIN namesake n ON n.ord = i.ord
    LEFT JOIN newcomer c ON c.ord = i.ord`;

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
   * Brings these riders' rows of the set in line with `rows`, writing only what differs: a
   * rider already in the set is updated if a value changed (else left alone), a new rider is
   * inserted. Returns the riders' participant ids, for the caller to remove the riders that
   * are no longer there (removeOthers) once every batch is in.
   */
  async merge(manager: EntityManager, resultSetId: number, seriesId: number, category: string, rows: IncomingRow[], groups?: GroupValues): Promise<number[]> {
    if (rows.length === 0) return [];
    const columns = await this.columns(manager, seriesId, rows, groups);
    await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::int[], $9::text[], $10::int[])
                  AS i(p, c1, c2, c3, b, pos, st, t)),
       changed AS (
         UPDATE race_result x SET custom1_id = i.c1, custom2_id = i.c2, custom3_id = i.c3, category = $2,
                                  bib = i.b, position = i.pos, status = i.st, time_ms = i.t
           FROM input i
          WHERE x.result_set_id = $1 AND x.group_key IS NULL AND x.participant_id = i.p
            AND (x.custom1_id, x.custom2_id, x.custom3_id, x.category, x.bib, x.position, x.status, x.time_ms)
                IS DISTINCT FROM (i.c1, i.c2, i.c3, $2, i.b, i.pos, i.st, i.t))
       INSERT INTO race_result (result_set_id, participant_id, custom1_id, custom2_id, custom3_id, category, bib, position, status, time_ms)
       SELECT $1, i.p, i.c1, i.c2, i.c3, $2, i.b, i.pos, i.st, i.t FROM input i
        WHERE NOT EXISTS (SELECT 1 FROM race_result x WHERE x.result_set_id = $1 AND x.group_key IS NULL AND x.participant_id = i.p)`,
      [resultSetId, category, ...columns],
    );
    return columns[0];
  }

  /**
   * The rows as the eight column arrays insert and merge send (participant, custom1..3, bib,
   * position, status, time), riders and group values resolved for the whole batch.
   */
  private async columns(manager: EntityManager, seriesId: number, rows: IncomingRow[], groups?: GroupValues) {
    const participantIds = await this.resolveParticipants(manager, rows.map((r) => r.participant), rows.map(groupOf));
    const [custom1, custom2, custom3] = await this.resolveCustomValues(manager, seriesId, rows, groups);
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
    const [{ ids }]: { ids: (number | null)[] }[] = await manager.query(RESOLVE_PARTICIPANTS, [
      people.map((p) => p.externalId || null),
      people.map((p) => collapseSpaces(p.firstName)),
      people.map((p) => collapseSpaces(p.lastName)),
      people.map((_, i) => groups[i] ?? null),
    ]);
    const unseen = people.map((p, i) => ({ p, i })).filter(({ i }) => ids[i] === null);
    if (unseen.length > 0) {
      // A licence another transaction created after this statement's snapshot, with the same
      // name: the upsert waited for it and left it alone, so only a fresh read sees it.
      const late: { id: number; external_id: string }[] = await manager.query(
        'SELECT id, external_id FROM participant WHERE external_id = ANY($1::text[])',
        [unseen.map(({ p }) => p.externalId)],
      );
      const byExternal = new Map(late.map((r) => [r.external_id, r.id]));
      for (const { p, i } of unseen) ids[i] = byExternal.get(p.externalId!) ?? null;
    }
    return ids as number[];
  }

  /**
   * Ids of the custom values named in the rows, per slot, creating lists and values on first
   * use. Pass one GroupValues to every batch of an import: the series' schools then cost a
   * query only the first time each is seen.
   */
  async resolveCustomValues(manager: EntityManager, seriesId: number, rows: IncomingRow[], known = new GroupValues()): Promise<(number | null)[][]> {
    const result: (number | null)[][] = [];
    for (const slot of SLOTS) {
      const names = rows.map((r) => normaliseName(r[`custom${slot}`]));
      const unknown = [...new Set(names.filter((n): n is string => n !== null && !known.has(slot, n)))];
      if (unknown.length > 0) await this.createCustomValues(manager, seriesId, slot, unknown, known);
      result.push(names.map((n) => (n === null ? null : known.get(slot, n))));
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
