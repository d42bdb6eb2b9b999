import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ResultSetState, statesSql } from '../common/result-set-state';
import { PageWindow } from '../common/paging';
import { RaceEvent } from './race-event.entity';
import { Series } from './series.entity';

export type NewSeries = Pick<Series, 'name' | 'season' | 'timeZone' | 'custom1Label' | 'custom2Label' | 'custom3Label'>;
export type NewEvent = Pick<RaceEvent, 'seriesId' | 'name' | 'date' | 'starred' | 'pointsMultiplier'>;
export type EventFields = Pick<RaceEvent, 'name' | 'date' | 'starred' | 'pointsMultiplier'>;

/** Result sets of an event that are or were public: they feed boards, or are the history of ones that did. */
export const PUBLISHED_HISTORY_STATES = ['PROVISIONAL', 'APPROVED', 'REPLACED'] as const;

export interface EventSetCount {
  category: string;
  state: string;
  sets: number;
}

/** `%` and `_` in a search mean themselves, not LIKE wildcards. */
function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Series and their events. */
@Injectable()
export class SeriesRepository {
  insert(manager: EntityManager, fields: NewSeries): Promise<Series> {
    const series = manager.getRepository(Series);
    return series.save(series.create(fields));
  }

  find(manager: EntityManager, id: number): Promise<Series | null> {
    return manager.getRepository(Series).findOneBy({ id });
  }

  /** Series with exactly this name, oldest first (at most 100). */
  findByName(manager: EntityManager, name: string): Promise<Series[]> {
    return manager.getRepository(Series).find({ where: { name }, order: { id: 'ASC' }, take: 100 });
  }

  /**
   * A page of series, newest season first (by season text descending, series without a season
   * last), then newest series first; `q` matches name or season ignoring case and accents.
   */
  async list(manager: EntityManager, q: string | null, page: PageWindow): Promise<{ total: number; rows: Series[] }> {
    const where = `($1::text IS NULL OR lower(unaccent(s.name)) LIKE lower(unaccent($1)) OR lower(unaccent(coalesce(s.season, ''))) LIKE lower(unaccent($1)))`;
    const pattern = q === null ? null : likeContaining(q);
    const [{ total }]: { total: number }[] = await manager.query(`SELECT count(*)::int AS total FROM series s WHERE ${where}`, [pattern]);
    const rows = await manager
      .getRepository(Series)
      .createQueryBuilder('s')
      .where(where.replace(/\$1/g, ':pattern'), { pattern })
      .orderBy('s.season', 'DESC', 'NULLS LAST')
      .addOrderBy('s.id', 'DESC')
      .offset(page.offset)
      .limit(page.limit)
      .getMany();
    return { total, rows };
  }

  /** The series, locked until the transaction ends, so two edits apply one after the other. */
  findForUpdate(manager: EntityManager, id: number): Promise<Series | null> {
    return manager.getRepository(Series).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(manager: EntityManager, id: number, fields: Partial<NewSeries>): Promise<void> {
    await manager.getRepository(Series).update({ id }, fields);
  }

  insertEvent(manager: EntityManager, fields: NewEvent): Promise<RaceEvent> {
    const events = manager.getRepository(RaceEvent);
    return events.save(events.create(fields));
  }

  /** The series' events in calendar order. */
  events(manager: EntityManager, seriesId: number): Promise<RaceEvent[]> {
    return manager.getRepository(RaceEvent).find({ where: { seriesId }, order: { date: 'ASC', id: 'ASC' } });
  }

  findEvent(manager: EntityManager, id: number): Promise<RaceEvent | null> {
    return manager.getRepository(RaceEvent).findOneBy({ id });
  }

  /** A page of the series' events in calendar order. */
  async eventPage(manager: EntityManager, seriesId: number, page: PageWindow): Promise<{ total: number; rows: RaceEvent[] }> {
    const [rows, total] = await manager.getRepository(RaceEvent).findAndCount({
      where: { seriesId }, order: { date: 'ASC', id: 'ASC' }, skip: page.offset, take: page.limit,
    });
    return { total, rows };
  }

  /**
   * The event, locked until the transaction ends: two edits apply one after the other, and a
   * delete waits for the creation of a set or an import of the event in progress (those lock the
   * event row too, see ResultSetsRepository.lockEvent).
   */
  findEventForUpdate(manager: EntityManager, id: number): Promise<RaceEvent | null> {
    return manager.getRepository(RaceEvent).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async updateEvent(manager: EntityManager, id: number, fields: Partial<EventFields>): Promise<void> {
    await manager.getRepository(RaceEvent).update({ id }, fields);
  }

  /**
   * Locks the event's result sets: a transition of one (which locks its set) either committed
   * before and is seen, or waits and then finds its set gone.
   */
  async lockEventSets(manager: EntityManager, eventId: number): Promise<void> {
    await manager.query('SELECT id FROM result_set WHERE event_id = $1 ORDER BY id FOR UPDATE', [eventId]);
  }

  /** The event's race result sets by category and state (state codes), for a delete's checks and its record. */
  async eventSetCounts(manager: EntityManager, eventId: number): Promise<EventSetCount[]> {
    return manager.query(
      `SELECT category, state, count(*)::int AS sets FROM result_set WHERE event_id = $1 GROUP BY category, state ORDER BY category, state`,
      [eventId],
    );
  }

  /** Categories of the event holding sets in these states. */
  async categoriesInStates(manager: EntityManager, eventId: number, states: readonly ResultSetState[]): Promise<string[]> {
    const rows: { category: string }[] = await manager.query(
      `SELECT DISTINCT category FROM result_set WHERE event_id = $1 AND state IN ${statesSql(states)} ORDER BY category`,
      [eventId],
    );
    return rows.map((row) => row.category);
  }

  /** Boards that name the event in their configuration (eventIds or nonDroppableEventIds). */
  async boardsNamingEvent(manager: EntityManager, eventId: number): Promise<{ id: number; name: string }[]> {
    return manager.query(
      `SELECT l.id, l.name FROM leaderboard_event le JOIN leaderboard l ON l.id = le.leaderboard_id
        WHERE le.event_id = $1 AND (le.listed OR le.non_droppable) ORDER BY l.id`,
      [eventId],
    );
  }

  /** Deletes the event; its result sets and their rows go with it (ON DELETE CASCADE). */
  async deleteEvent(manager: EntityManager, id: number): Promise<void> {
    await manager.getRepository(RaceEvent).delete({ id });
  }
}
