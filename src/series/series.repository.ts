import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RaceEvent } from './race-event.entity';
import { Series } from './series.entity';

export type NewSeries = Pick<Series, 'name' | 'season' | 'timeZone' | 'custom1Label' | 'custom2Label' | 'custom3Label'>;
export type NewEvent = Pick<RaceEvent, 'seriesId' | 'name' | 'date' | 'starred' | 'pointsMultiplier'>;

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
}
