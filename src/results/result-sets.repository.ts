import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { publicSetSql } from '../common/audience';
import { execute } from '../common/database/execute';
import { intArray } from '../common/database/pg-arrays';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { PageWindow } from '../common/paging';
import { PUBLIC_STATES, ResultSetState, stateCode, stateFromCode, stateSql, statesSql } from '../common/result-set-state';
import { ResultSet } from './result-set.entity';

/** The labels of a series' grouping slots (e.g. custom1 = "School"). */
export interface SlotLabels {
  custom1: string | null;
  custom2: string | null;
  custom3: string | null;
}

/** A race set together with what its writes need: the series it belongs to. */
export interface LockedRaceSet {
  set: ResultSet;
  seriesId: number | null;
}

/** A race set as a list shows it: no rows, their count. */
export interface RaceSetSummary {
  id: number;
  eventId: number;
  category: string;
  state: ResultSetState;
  replacesId: number | null;
  replacedById: number | null;
  rows: number;
  updatedAt: string;
}

/** What an import may change of a set, read before it runs: its state and how many rows it has. */
export interface SetBefore {
  state: ResultSetState;
  rows: number;
}

@Injectable()
export class ResultSetsRepository {
  /** Loads a set and locks its row for the rest of the transaction, so edits to one set queue up. */
  async lock(manager: EntityManager, id: number): Promise<LockedRaceSet> {
    const set = await manager.getRepository(ResultSet).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!set) throw new NotFoundError('Result set', id);
    const seriesId = set.eventId === null ? null : await this.seriesOfEvent(manager, set.eventId);
    return { set, seriesId };
  }

  async find(manager: EntityManager, id: number): Promise<ResultSet> {
    const set = await manager.getRepository(ResultSet).findOneBy({ id });
    if (!set) throw new NotFoundError('Result set', id);
    return set;
  }

  async seriesOfEvent(manager: EntityManager, eventId: number): Promise<number> {
    const rows: { series_id: number }[] = await manager.query('SELECT series_id FROM event WHERE id = $1', [eventId]);
    if (rows.length === 0) throw new NotFoundError('Event', eventId);
    return rows[0].series_id;
  }

  /**
   * Locks the event row: creating sets for one event is serialised, so "one open set per
   * category" holds. Also reads its series and the labels of the series' grouping slots (an
   * import maps "School" columns by them).
   */
  async lockEvent(manager: EntityManager, eventId: number): Promise<{ seriesId: number; labels: SlotLabels }> {
    const rows: { series_id: number; custom1_label: string | null; custom2_label: string | null; custom3_label: string | null }[] = await manager.query(
      `SELECT e.series_id, s.custom1_label, s.custom2_label, s.custom3_label
         FROM event e JOIN series s ON s.id = e.series_id WHERE e.id = $1 FOR UPDATE OF e`,
      [eventId],
    );
    if (rows.length === 0) throw new NotFoundError('Event', eventId);
    const [row] = rows;
    return { seriesId: row.series_id, labels: { custom1: row.custom1_label, custom2: row.custom2_label, custom3: row.custom3_label } };
  }

  /** The set of (event, category) that is still open for work: draft or published, not a revision. */
  async openSetFor(manager: EntityManager, eventId: number, category: string): Promise<ResultSet | null> {
    return manager
      .getRepository(ResultSet)
      .createQueryBuilder('s')
      .where('s.event_id = :eventId AND s.category = :category', { eventId, category })
      .andWhere(`s.state IN ${statesSql(['DRAFT', ...PUBLIC_STATES])}`)
      .andWhere(`(s.replaces_id IS NULL OR NOT EXISTS (SELECT 1 FROM result_set o WHERE o.id = s.replaces_id AND o.state <> ${stateSql('REPLACED')}))`)
      .orderBy('s.id', 'DESC')
      .getOne();
  }

  async create(manager: EntityManager, values: Partial<ResultSet>): Promise<ResultSet> {
    const repo = manager.getRepository(ResultSet);
    return repo.save(repo.create(values));
  }

  /** Compare-and-set: moves the set only if it is still in the state the caller saw. */
  async compareAndSetState(manager: EntityManager, id: number, from: ResultSetState[], to: ResultSetState): Promise<void> {
    const count = await execute(manager,
      `UPDATE result_set SET state = $3::char(1), updated_at = now(),
              replaced_from = CASE WHEN $3::char(1) = ${stateSql('REPLACED')} THEN state ELSE replaced_from END
        WHERE id = $1 AND state = ANY($2::char(1)[])`,
      [id, from.map(stateCode), stateCode(to)],
    );
    if (count !== 1) {
      throw new ConflictError(`Result set ${id} changed state meanwhile (expected ${from.join(' or ')}); reload and try again`);
    }
  }

  async touch(manager: EntityManager, id: number): Promise<void> {
    await manager.query('UPDATE result_set SET updated_at = now() WHERE id = $1', [id]);
  }

  async openRevisionOf(manager: EntityManager, id: number): Promise<number | null> {
    const rows: { id: number }[] = await manager.query(
      `SELECT id FROM result_set WHERE replaces_id = $1 AND state NOT IN ${statesSql(['REPLACED', 'DELETED'])}`,
      [id],
    );
    return rows[0]?.id ?? null;
  }

  async replacedBy(manager: EntityManager, id: number): Promise<number | null> {
    const rows: { id: number }[] = await manager.query(
      `SELECT id FROM result_set WHERE replaces_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    );
    return rows[0]?.id ?? null;
  }

  /** Copies every row of one set into another (a revision starts as an exact copy). */
  async copyRows(manager: EntityManager, fromId: number, toId: number): Promise<void> {
    await manager.query(
      `INSERT INTO race_result (result_set_id, participant_id, custom1_id, custom2_id, custom3_id, category, bib,
                                position, status, time_ms, redress, points, seq, group_key, name, group_name, breakdown)
       SELECT $2, participant_id, custom1_id, custom2_id, custom3_id, category, bib,
              position, status, time_ms, redress, points, seq, group_key, name, group_name, breakdown
         FROM race_result WHERE result_set_id = $1 ORDER BY id`,
      [fromId, toId],
    );
  }

  /**
   * The race sets of an event, oldest first (ties broken by id), a page at a time; without
   * `admin`, only the sets the public may see (isPublicSet).
   */
  async listForEvent(manager: EntityManager, eventId: number, admin: boolean, window: PageWindow): Promise<{ total: number; items: RaceSetSummary[] }> {
    const visible = admin ? '' : ` AND ${publicSetSql('s')}`;
    const [{ total }]: { total: number }[] = await manager.query(
      `SELECT count(*)::int AS total FROM result_set s WHERE s.event_id = $1${visible}`, [eventId]);
    const rows: { id: number; event_id: number; category: string; state: string; replaces_id: number | null; replaced_by_id: number | null; rows: number; updated_at: Date }[] =
      await manager.query(
        `SELECT s.id, s.event_id, s.category, s.state, s.replaces_id, s.updated_at,
                (SELECT max(n.id) FROM result_set n WHERE n.replaces_id = s.id AND s.state = ${stateSql('REPLACED')}) AS replaced_by_id,
                (SELECT count(*)::int FROM race_result r WHERE r.result_set_id = s.id) AS rows
           FROM result_set s WHERE s.event_id = $1${visible}
          ORDER BY s.id OFFSET $2 LIMIT $3`,
        [eventId, window.offset, window.limit],
      );
    return {
      total,
      items: rows.map((r) => ({
        id: r.id, eventId: r.event_id, category: r.category, state: stateFromCode(r.state), replacesId: r.replaces_id,
        replacedById: r.replaced_by_id, rows: r.rows, updatedAt: r.updated_at.toISOString(),
      })),
    };
  }

  /** The state and row count of each set of the event an import may write to (not REPLACED or DELETED). */
  async setsBeforeImport(manager: EntityManager, eventId: number): Promise<Map<number, SetBefore>> {
    const rows: { id: number; state: string; rows: number }[] = await manager.query(
      `SELECT s.id, s.state, (SELECT count(*)::int FROM race_result r WHERE r.result_set_id = s.id) AS rows
         FROM result_set s WHERE s.event_id = $1 AND s.state NOT IN ${statesSql(['REPLACED', 'DELETED'])}`,
      [eventId],
    );
    return new Map(rows.map((r) => [r.id, { state: stateFromCode(r.state), rows: r.rows }]));
  }

  /**
   * For each set, its row count now and whether this transaction wrote any of its rows or
   * renamed any of its riders: a row this transaction inserted or updated, or a participant
   * it created or renamed, carries the transaction's id as its xmin. Race rows are only
   * updated when a value differs, so a re-import of the same file writes none.
   */
  async writtenInThisTransaction(manager: EntityManager, setIds: number[]): Promise<Map<number, { rows: number; written: boolean }>> {
    const rows: { id: number; rows: number; written: boolean }[] = await manager.query(
      `SELECT s.id, count(r.id)::int AS rows,
              COALESCE(bool_or(r.xmin = pg_current_xact_id()::xid OR p.xmin = pg_current_xact_id()::xid), false) AS written
         FROM unnest($1::int[]) AS s(id)
         LEFT JOIN race_result r ON r.result_set_id = s.id
         LEFT JOIN participant p ON p.id = r.participant_id
        GROUP BY s.id`,
      [intArray(setIds)],
    );
    return new Map(rows.map((r) => [r.id, { rows: r.rows, written: r.written }]));
  }
}
