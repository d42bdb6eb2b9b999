import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { intArray, textArray } from '../common/database/pg-arrays';
import { collapseSpaces, IncomingRow } from './rider-identity';

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
 * - Aliases (names and licences kept by merges, table participant_alias) come last: a licence
 *   on no participant but on an alias is the rider it was merged into; a row that no namesake
 *   fits is matched to a rider with that name as an alias, under the same group rule (the
 *   merged rider's results carry the old rider's groups). Both are index probes as well.
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
 * (ImportWriter.finish, ParticipantsRepository.rename), so names and groups read here are the old ones. Rows of the import
 * that are one rider share a participant through `given`, not through a probe.
 */
export function riderCtes(forImport: boolean): string {
  // Rows this transaction updated keep their ids (and, until the end, their groups), so they still count.
  const before = forImport ? ' AND (r.id <= $16::bigint OR r.xmin <> $15::xid)' : '';
  const racedForGroup = `EXISTS (SELECT 1 FROM race_result r WHERE r.participant_id = p.id${before}
                                  AND (r.custom1_id = ANY(g.ids) OR r.custom2_id = ANY(g.ids) OR r.custom3_id = ANY(g.ids)))`;
  const racedInAGroup = `EXISTS (SELECT 1 FROM race_result r WHERE r.participant_id = p.id${before}
                                  AND COALESCE(r.custom1_id, r.custom2_id, r.custom3_id) IS NOT NULL)`;
  const probed = forImport ? 'i.x IS NULL AND i.given IS NULL' : 'i.x IS NULL';
  // How well participant p fits the row's group: 0 raced for it, 1 may be the rider, null does not count.
  const fit = `CASE WHEN i.grp IS NULL THEN CASE WHEN ${racedInAGroup} THEN 1 ELSE 0 END
                      WHEN ${racedForGroup} THEN 0
                      WHEN NOT ${racedInAGroup} THEN 1 END`;
  // known: a licence kept as an alias by a merge is the rider it was merged into, never renamed
  // to the old spelling. Aliases are joined first (OFFSET 0 keeps the join before the anti-join):
  // there are few, and the batch's licences need not all be probed twice. No SQL comments here:
  // pg_stat_activity shows only the statement's first 1 kB, and the upsert should be in it.
  return `
  licence AS (
    SELECT DISTINCT ON (x) x, f, l, ord FROM input WHERE x IS NOT NULL ORDER BY x, ord),
  known AS (
    SELECT p.id, p.external_id, g.ord, (p.first_name, p.last_name) IS NOT DISTINCT FROM (g.f, g.l) AS same
      FROM licence g JOIN participant p ON p.external_id = g.x
    UNION ALL
    SELECT t.participant_id, t.external_id, t.ord, true FROM (
      SELECT a.participant_id, a.external_id, g.ord FROM licence g JOIN participant_alias a ON a.external_id = g.x OFFSET 0) t
     WHERE NOT EXISTS (SELECT 1 FROM participant p WHERE p.external_id = t.external_id)),
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
    SELECT DISTINCT ON (i.ord) i.ord, i.f, i.l, COALESCE(m.id, a.id) AS id
      FROM input i LEFT JOIN grp g ON g.key = lower(i.grp)
      LEFT JOIN LATERAL (
        SELECT q.id, q.external_id, q.fit FROM (
          SELECT p.id, p.external_id, ${fit} AS fit
            FROM participant p
           WHERE lower(p.last_name) = lower(i.l) AND lower(p.first_name) = lower(i.f)${forImport ? ' AND p.xmin <> $15::xid' : ''}
           OFFSET 0) q
         WHERE q.fit IS NOT NULL) m ON true
      LEFT JOIN LATERAL (
        SELECT q.id, q.external_id, q.fit FROM (
          SELECT p.id, p.external_id, ${fit} AS fit
            FROM participant_alias al JOIN participant p ON p.id = al.participant_id${forImport ? ' AND p.xmin <> $15::xid' : ''}
           WHERE lower(al.last_name) = lower(i.l) AND lower(al.first_name) = lower(i.f)
           OFFSET 0) q
         WHERE m.id IS NULL AND q.fit IS NOT NULL) a ON true
     WHERE ${probed}
     ORDER BY i.ord, m.fit, m.external_id IS NOT NULL, m.id, a.fit, a.external_id IS NOT NULL, a.id),
  newcomer AS MATERIALIZED (
    SELECT ord, f, l, nextval((SELECT pg_get_serial_sequence('participant', 'id'))::regclass)::int AS id
      FROM namesake WHERE id IS NULL),
  created AS (
    INSERT INTO participant (id, first_name, last_name) OVERRIDING SYSTEM VALUE
    SELECT id, f, l FROM newcomer ORDER BY ord)`;
}
export const RIDER_ID = 'COALESCE(w.id, k.id, n.id, c.id)';
export const IMPORT_RIDER_ID = 'COALESCE(w.id, k.id, i.given, n.id, c.id)';
export const RIDER_JOINS = `
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

/** RESOLVE_PARTICIPANTS's parameters as array literals: licence, first name, last name, group. */
export type RiderParameters = [string, string, string, string];

export function riderParameters(people: IncomingRow['participant'][], groups: (string | null)[], licences: (string | null)[]): RiderParameters {
  return [
    textArray(licences),
    textArray(people.map((p) => collapseSpaces(p.firstName))),
    textArray(people.map((p) => collapseSpaces(p.lastName))),
    textArray(people.map((_, i) => groups[i] ?? null)),
  ];
}

/**
 * Participants: who a result row's rider is (matched by licence, else by name within their
 * group; see riderCtes), and the spellings of their names.
 */
@Injectable()
export class ParticipantsRepository {
  /** "First Last" of these participants, as on file. */
  async namesOf(manager: EntityManager, ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: number; name: string }[] = await manager.query(
      `SELECT id, first_name || ' ' || last_name AS name FROM participant WHERE id = ANY($1::int[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
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

  private async resolveRiders(manager: EntityManager, riders: RiderParameters, licences: (string | null)[]): Promise<number[]> {
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
  async readLicences(manager: EntityManager, licences: string[]): Promise<Map<string, { id: number; firstName: string; lastName: string }>> {
    const rows: { id: number; external_id: string; first_name: string; last_name: string }[] = await manager.query(
      'SELECT id, external_id, first_name, last_name FROM participant WHERE external_id = ANY($1::text[])',
      [licences],
    );
    return new Map(rows.map((r) => [r.external_id, { id: r.id, firstName: r.first_name, lastName: r.last_name }]));
  }
}
