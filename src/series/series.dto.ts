import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean, IsDateString, IsIn, IsNumber, IsOptional, IsPositive, IsString, Length, Matches, Max, MaxLength, ValidateBy, ValidateNested,
} from 'class-validator';
import { PageQuery, PageView } from '../common/paging';
import { isTimeZone } from '../config/config';

/** Validated with Intl, the same check as DEFAULT_TIME_ZONE. */
function IsTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimeZone',
    validator: { validate: (value) => typeof value === 'string' && isTimeZone(value), defaultMessage: () => 'timeZone must be an IANA time zone such as Europe/London' },
  });
}

export class CustomLabelsDto {
  @ApiPropertyOptional({ description: 'Label of grouping slot 1, e.g. "School"', maxLength: 50 })
  @IsOptional() @IsString() @Length(1, 50)
  custom1?: string;

  @ApiPropertyOptional({ description: 'Label of grouping slot 2, e.g. "Club"', maxLength: 50 })
  @IsOptional() @IsString() @Length(1, 50)
  custom2?: string;

  @ApiPropertyOptional({ description: 'Label of grouping slot 3, e.g. "Team"', maxLength: 50 })
  @IsOptional() @IsString() @Length(1, 50)
  custom3?: string;
}

export class CreateSeriesDto {
  @ApiProperty({ description: 'Name of the series', maxLength: 200, example: 'Schools Cup' })
  @IsString() @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'Season label', maxLength: 50, example: '2026' })
  @IsOptional() @IsString() @MaxLength(50)
  season?: string;

  @ApiPropertyOptional({ description: 'IANA time zone the public pages show times in; default DEFAULT_TIME_ZONE', example: 'Europe/London', maxLength: 64 })
  @IsOptional() @IsString() @MaxLength(64) @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ description: 'Names of the up to three grouping slots', type: CustomLabelsDto })
  @IsOptional() @ValidateNested() @Type(() => CustomLabelsDto)
  customLabels?: CustomLabelsDto;
}

/**
 * GET /api/series: with `name`, the exact lookup a script uses to find a series it made before
 * (`npm run demo`), answered as a plain array as it always was; without it, the paged list.
 */
export class FindSeriesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'The exact name of the series: answers a plain array (oldest first, at most 100), not a page', maxLength: 200, example: 'Schools Cup' })
  @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'Only series whose name or season contains this text, ignoring case and accents', maxLength: 200, example: 'cup' })
  @IsOptional() @IsString() @Length(1, 200)
  q?: string;
}

/**
 * PATCH /api/series/:id: the fields given change, the others stay. `season: null` clears the
 * season; a `customLabels` slot set to null clears that label, slots left out keep theirs.
 */
export class UpdateSeriesDto extends PartialType(CreateSeriesDto) {}

export class CreateEventDto {
  @ApiProperty({ description: 'Name of the event', maxLength: 200, example: 'Round 1 — Hillside' })
  @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ description: 'Race day, YYYY-MM-DD', example: '2026-03-14' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'date must be a real calendar date' })
  date: string;

  @ApiPropertyOptional({ description: 'Starred events can form a board of their own (eventScope STARRED)', default: false })
  @IsOptional() @IsBoolean()
  starred?: boolean;

  @ApiPropertyOptional({ description: 'Multiplies every point scored at this event (2 = double points)', default: 1, maximum: 100 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() @Max(100)
  pointsMultiplier?: number;
}

export class SeriesView {
  @ApiProperty({ example: 3 }) id: number;
  @ApiProperty({ example: 'Schools Cup' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: '2026' }) season: string | null;
  @ApiProperty({ type: CustomLabelsDto, example: { custom1: 'School', custom2: 'Club' } }) customLabels: CustomLabelsDto;
  @ApiProperty({ example: 'Europe/London' }) timeZone: string;
}

export class SeriesPage extends PageView<SeriesView> {
  @ApiProperty({ type: [SeriesView], description: 'Newest season first (season descending, series without one last), then newest series first' })
  items: SeriesView[];
}

/** PATCH /api/events/:id: the fields given change, the others stay. */
export class UpdateEventDto extends PartialType(CreateEventDto) {}

export class EventView {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 3 }) seriesId: number;
  @ApiProperty({ example: 'Round 1 — Hillside' }) name: string;
  @ApiProperty({ example: '2026-03-14' }) date: string;
  @ApiProperty({ example: false }) starred: boolean;
  @ApiProperty({ example: 1 }) pointsMultiplier: number;
}

export class EventPage extends PageView<EventView> {
  @ApiProperty({ type: [EventView], description: 'In calendar order, then by id' })
  items: EventView[];
}

/** GET /api/series/:id/events: a plain array as always, or a page when asked for one. */
export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: answer a page `{ total, offset, limit, items }` instead of the plain array of every event', example: true })
  @IsOptional() @Type(() => String) @IsIn(['true', 'false'], { message: 'paged must be true or false' })
  paged?: 'true' | 'false';
}
