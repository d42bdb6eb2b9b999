import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { TransactionRunner } from '../common/database/transaction-runner';
import { APP_CONFIG, AppConfig } from '../config/config';
import { NotFoundError } from '../common/errors/domain-errors';
import { CreateEventDto, CreateSeriesDto, EventView, SeriesView } from './series.dto';
import { RaceEvent } from './race-event.entity';
import { Series } from './series.entity';
import { SeriesRepository } from './series.repository';

@Injectable()
export class SeriesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: SeriesRepository,
    private readonly audit: AuditTrail,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'defaultTimeZone'>,
  ) {}

  async create(dto: CreateSeriesDto): Promise<SeriesView> {
    const saved = await this.tx.run(async ({ manager }) => {
      const series = await this.repository.insert(manager, {
        name: dto.name,
        season: dto.season ?? null,
        timeZone: dto.timeZone ?? this.config.defaultTimeZone,
        custom1Label: dto.customLabels?.custom1 ?? null,
        custom2Label: dto.customLabels?.custom2 ?? null,
        custom3Label: dto.customLabels?.custom3 ?? null,
      });
      const { id, ...fields } = toSeriesView(series);
      await this.audit.record(manager, { action: 'series.create', entity: 'series', entityId: id, changes: { after: fields } });
      return series;
    });
    return toSeriesView(saved);
  }

  async get(id: number): Promise<SeriesView> {
    return toSeriesView(await this.require(id));
  }

  async findByName(name: string): Promise<SeriesView[]> {
    const found = await this.tx.run(({ manager }) => this.repository.findByName(manager, name));
    return found.map(toSeriesView);
  }

  async require(id: number): Promise<Series> {
    const found = await this.tx.run(({ manager }) => this.repository.find(manager, id));
    if (!found) throw new NotFoundError('Series', id);
    return found;
  }

  async addEvent(seriesId: number, dto: CreateEventDto): Promise<EventView> {
    await this.require(seriesId);
    const saved = await this.tx.run(({ manager }) =>
      this.repository.insertEvent(manager, {
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
    const events = await this.tx.run(({ manager }) => this.repository.events(manager, seriesId));
    return events.map(toEventView);
  }

  async requireEvent(id: number): Promise<RaceEvent> {
    const found = await this.tx.run(({ manager }) => this.repository.findEvent(manager, id));
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
