import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean, IsDateString, IsNumber, IsOptional, IsPositive, IsString, Length, Matches, Max, MaxLength, ValidateBy, ValidateNested,
} from 'class-validator';
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

/** GET /api/series?name=: how a script finds a series it made before (`npm run demo`). */
export class FindSeriesQuery {
  @ApiProperty({ description: 'The exact name of the series', maxLength: 200 })
  @IsString() @Length(1, 200)
  name: string;
}

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
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) season: string | null;
  @ApiProperty({ type: CustomLabelsDto }) customLabels: CustomLabelsDto;
  @ApiProperty({ example: 'Europe/London' }) timeZone: string;
}

export class EventView {
  @ApiProperty() id: number;
  @ApiProperty() seriesId: number;
  @ApiProperty() name: string;
  @ApiProperty({ example: '2026-03-14' }) date: string;
  @ApiProperty() starred: boolean;
  @ApiProperty() pointsMultiplier: number;
}
