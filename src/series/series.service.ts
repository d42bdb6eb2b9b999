import { Inject, Injectable } from '@nestjs/common';
import { changedFields } from '../audit/audit-entry';
import { AuditTrail } from '../audit/audit-trail';
import { TransactionRunner } from '../common/database/transaction-runner';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { rejectNulls } from '../common/errors/validation';
import { RaceEventChangedEvent } from '../common/events/catalogue';
import { PageQuery, pageWindow } from '../common/paging';
import { stateFromCode } from '../common/result-set-state';
import { APP_CONFIG, AppConfig } from '../config/config';
import { PendingRecalcRepository } from '../pending-recalc/pending-recalc.repository';
import { CreateEventDto, CreateSeriesDto, EventPage, EventView, SeriesPage, SeriesView, UpdateEventDto, UpdateSeriesDto } from './series.dto';
import { RaceEvent } from './race-event.entity';
import { Series } from './series.entity';
import { EventFields, NewSeries, PUBLISHED_HISTORY_STATES, SeriesRepository } from './series.repository';

/** Event fields the standings read: a change to one is a result change for the boards the event feeds. */
const SCORED_EVENT_FIELDS: readonly (keyof EventFields)[] = ['date', 'starred', 'pointsMultiplier'];

@Injectable()
export class SeriesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: SeriesRepository,
    private readonly pending: PendingRecalcRepository,
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

  async list(q: string | undefined, query: PageQuery): Promise<SeriesPage> {
    const page = pageWindow(query);
    const { total, rows } = await this.tx.run(({ manager }) => this.repository.list(manager, q?.normalize('NFC') ?? null, page));
    return { total, ...page, items: rows.map(toSeriesView) };
  }

  /** Applies the fields given; a PATCH that changes nothing writes nothing and records nothing. */
  async update(id: number, dto: UpdateSeriesDto): Promise<SeriesView> {
    rejectNulls(dto, ['name', 'timeZone']);
    const saved = await this.tx.run(async ({ manager }) => {
      const series = await this.repository.findForUpdate(manager, id);
      if (!series) throw new NotFoundError('Series', id);
      const before = toSeriesView(series);
      const fields = seriesFields(dto);
      Object.assign(series, fields);
      const { id: _id, ...after } = toSeriesView(series);
      const changes = changedFields(before, after);
      if (changes === null) return series;
      await this.repository.update(manager, id, fields);
      await this.audit.record(manager, { action: 'series.update', entity: 'series', entityId: id, changes });
      return series;
    });
    return toSeriesView(saved);
  }

  async require(id: number): Promise<Series> {
    const found = await this.tx.run(({ manager }) => this.repository.find(manager, id));
    if (!found) throw new NotFoundError('Series', id);
    return found;
  }

  async addEvent(seriesId: number, dto: CreateEventDto): Promise<EventView> {
    await this.require(seriesId);
    const saved = await this.tx.run(async ({ manager }) => {
      const event = await this.repository.insertEvent(manager, {
        seriesId,
        name: dto.name,
        date: dto.date,
        starred: dto.starred ?? false,
        pointsMultiplier: dto.pointsMultiplier ?? 1,
      });
      const { id, ...fields } = toEventView(event);
      await this.audit.record(manager, { action: 'event.create', entity: 'event', entityId: id, changes: { after: fields } });
      return event;
    });
    return toEventView(saved);
  }

  async listEvents(seriesId: number): Promise<EventView[]> {
    await this.require(seriesId);
    const events = await this.tx.run(({ manager }) => this.repository.events(manager, seriesId));
    return events.map(toEventView);
  }

  async eventPage(seriesId: number, query: PageQuery): Promise<EventPage> {
    await this.require(seriesId);
    const page = pageWindow(query);
    const { total, rows } = await this.tx.run(({ manager }) => this.repository.eventPage(manager, seriesId, page));
    return { total, ...page, items: rows.map(toEventView) };
  }

  async getEvent(id: number): Promise<EventView> {
    return toEventView(await this.requireEvent(id));
  }

  /**
   * Applies the fields given. A change to the date, the star or the multiplier marks the boards
   * that read the event pending, in this transaction (those reading it before the change and
   * after: a star added or removed moves it in or out of STARRED boards), and publishes one
   * change event after commit. A name-only change marks nothing; a no-op writes nothing.
   */
  async updateEvent(id: number, dto: UpdateEventDto): Promise<EventView> {
    rejectNulls(dto, ['name', 'date', 'starred', 'pointsMultiplier']);
    const saved = await this.tx.run(async (uow) => {
      const { manager } = uow;
      const event = await this.repository.findEventForUpdate(manager, id);
      if (!event) throw new NotFoundError('Event', id);
      const before = toEventView(event);
      const fields: Partial<EventFields> = { name: dto.name, date: dto.date, starred: dto.starred, pointsMultiplier: dto.pointsMultiplier };
      const changes = changedFields(before, fields);
      if (changes === null) return event;
      const scored = SCORED_EVENT_FIELDS.some((field) => field in changes.after!);
      const readersBefore = scored ? await this.pending.boardsReadingEvent(manager, id) : [];
      await this.repository.updateEvent(manager, id, changes.after as Partial<EventFields>);
      if (scored) {
        const boards = [...new Set([...readersBefore, ...(await this.pending.boardsReadingEvent(manager, id))])].sort((a, b) => a - b);
        await this.pending.mark(manager, boards);
        uow.publishAfterCommit(new RaceEventChangedEvent(id, event.seriesId, 'UPDATED', boards));
      }
      await this.audit.record(manager, { action: 'event.update', entity: 'event', entityId: id, changes });
      return Object.assign(event, changes.after);
    });
    return toEventView(saved);
  }

  /**
   * Deletes an event that never published results, with its DRAFT and DELETED sets and their
   * rows. Refused (409) while it holds published results or their history (PROVISIONAL,
   * APPROVED, REPLACED sets), and while a board names it in its configuration.
   */
  async deleteEvent(id: number): Promise<void> {
    await this.tx.run(async (uow) => {
      const { manager } = uow;
      const event = await this.repository.findEventForUpdate(manager, id);
      if (!event) throw new NotFoundError('Event', id);
      await this.repository.lockEventSets(manager, id);
      const published = await this.repository.categoriesInStates(manager, id, PUBLISHED_HISTORY_STATES);
      if (published.length > 0) {
        throw new ConflictError(
          `Event ${id} holds published results (${published.join(', ')}) and cannot be deleted. To take its results out of the standings, `
          + 'move each published result set to DELETED (POST /api/result-sets/:id/transitions { "to": "DELETED" }): the event and its history stay, '
          + `and its boards recalculate. To show it under another name or date, edit it (PATCH /api/events/${id}).`,
        );
      }
      const naming = await this.repository.boardsNamingEvent(manager, id);
      if (naming.length > 0) {
        throw new ConflictError(
          `Event ${id} is named in the configuration of ${naming.map((b) => `leaderboard ${b.id} "${b.name}"`).join(', ')} `
          + '(eventIds or nonDroppableEventIds); remove it there first (PATCH /api/leaderboards/:id), then delete the event.',
        );
      }
      const sets = await this.repository.eventSetCounts(manager, id);
      const boards = await this.pending.boardsReadingEvent(manager, id);
      await this.repository.deleteEvent(manager, id);
      await this.pending.mark(manager, boards);
      if (boards.length > 0) uow.publishAfterCommit(new RaceEventChangedEvent(id, event.seriesId, 'DELETED', boards));
      const { id: _id, ...fields } = toEventView(event);
      await this.audit.record(manager, {
        action: 'event.delete',
        entity: 'event',
        entityId: id,
        changes: { before: fields, removedResultSets: sets.map((s) => ({ category: s.category, state: stateFromCode(s.state), sets: s.sets })) },
      });
    });
  }

  async requireEvent(id: number): Promise<RaceEvent> {
    const found = await this.tx.run(({ manager }) => this.repository.findEvent(manager, id));
    if (!found) throw new NotFoundError('Event', id);
    return found;
  }
}

/** The columns a series PATCH sets: null clears the season or a label, undefined keeps it. */
function seriesFields(dto: UpdateSeriesDto): Partial<NewSeries> {
  const fields: Partial<NewSeries> = {};
  if (dto.name !== undefined) fields.name = dto.name;
  if (dto.season !== undefined) fields.season = dto.season;
  if (dto.timeZone !== undefined) fields.timeZone = dto.timeZone;
  if (dto.customLabels !== undefined) {
    const labels: Partial<Record<'custom1' | 'custom2' | 'custom3', string | null>> = dto.customLabels ?? { custom1: null, custom2: null, custom3: null };
    if (labels.custom1 !== undefined) fields.custom1Label = labels.custom1 ?? null;
    if (labels.custom2 !== undefined) fields.custom2Label = labels.custom2 ?? null;
    if (labels.custom3 !== undefined) fields.custom3Label = labels.custom3 ?? null;
  }
  return fields;
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
