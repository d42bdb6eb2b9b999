import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { NotFoundError } from '../common/errors/domain-errors';
import { CreateEventDto, CreateSeriesDto, EventView, SeriesView } from './series.dto';
import { RaceEvent } from './race-event.entity';
import { Series } from './series.entity';

@Injectable()
export class SeriesService {
  constructor(
    @InjectRepository(Series) private readonly series: Repository<Series>,
    @InjectRepository(RaceEvent) private readonly events: Repository<RaceEvent>,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'defaultTimeZone'>,
  ) {}

  async create(dto: CreateSeriesDto): Promise<SeriesView> {
    const saved = await this.series.save(
      this.series.create({
        name: dto.name,
        season: dto.season ?? null,
        timeZone: dto.timeZone ?? this.config.defaultTimeZone,
        custom1Label: dto.customLabels?.custom1 ?? null,
        custom2Label: dto.customLabels?.custom2 ?? null,
        custom3Label: dto.customLabels?.custom3 ?? null,
      }),
    );
    return toSeriesView(saved);
  }

  async get(id: number): Promise<SeriesView> {
    return toSeriesView(await this.require(id));
  }

  async require(id: number): Promise<Series> {
    const found = await this.series.findOneBy({ id });
    if (!found) throw new NotFoundError('Series', id);
    return found;
  }

  async addEvent(seriesId: number, dto: CreateEventDto): Promise<EventView> {
    await this.require(seriesId);
    const saved = await this.events.save(
      this.events.create({
        seriesId,
        name: dto.name,
        date: dto.date,
        starred: dto.starred ?? false,
        pointsMultiplier: dto.pointsMultiplier ?? 1,
      }),
    );
    return toEventView(saved);
  }

  async listEvents(seriesId: number): Promise<EventView[]> {
    await this.require(seriesId);
    const events = await this.events.find({ where: { seriesId }, order: { date: 'ASC', id: 'ASC' } });
    return events.map(toEventView);
  }

  async requireEvent(id: number): Promise<RaceEvent> {
    const found = await this.events.findOneBy({ id });
    if (!found) throw new NotFoundError('Event', id);
    return found;
  }
}

function toSeriesView(series: Series): SeriesView {
  const customLabels: SeriesView['customLabels'] = {};
  if (series.custom1Label) customLabels.custom1 = series.custom1Label;
  if (series.custom2Label) customLabels.custom2 = series.custom2Label;
  if (series.custom3Label) customLabels.custom3 = series.custom3Label;
  return { id: series.id, name: series.name, season: series.season, customLabels, timeZone: series.timeZone };
}

export function toEventView(event: RaceEvent): EventView {
  return {
    id: event.id,
    seriesId: event.seriesId,
    name: event.name,
    date: event.date,
    starred: event.starred,
    pointsMultiplier: event.pointsMultiplier,
  };
}
