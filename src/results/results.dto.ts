import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmptyObject, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max,
  MaxLength, Min, ValidateNested,
} from 'class-validator';
import type { ResultRedress } from '../calculators/types';
import { ReasonDto } from '../audit/audit.dto';
import { PageQuery, PageView } from '../common/paging';
import { RESULT_SET_STATES, ResultSetState } from '../common/result-set-state';
import { ResultStatus, STATUS_FORMAT } from './result-status';

const STATUS_MESSAGE = 'status must be a status code (FIN, DNF, … or an organiser-defined one: GET /api/status-codes)';

export const MAX_ROWS_PER_REQUEST = 10_000;

const DRAFT_WARNING_EXAMPLE = 'Result set 12 is a DRAFT: it feeds no leaderboard and is not public until it is published (POST /api/result-sets/12/transitions with {"to":"PROVISIONAL"} or {"to":"APPROVED"})';
const WARNINGS_DESCRIPTION = 'On the answers of writes only: what the organiser should know: what the write changed of what was sent (a non-finisher\'s place is dropped), then that the set is a DRAFT, which feeds no leaderboard until it is published. Empty when there is nothing to say.';

export class ParticipantDto {
  @ApiPropertyOptional({ description: 'Licence or federation id; riders are matched on it first', maxLength: 50 })
  @IsOptional() @IsString() @Length(1, 50)
  externalId?: string;

  @ApiProperty({ maxLength: 100 })
  @IsString() @Length(1, 100)
  firstName: string;

  @ApiProperty({ maxLength: 100 })
  @IsString() @Length(1, 100)
  lastName: string;
}

/**
 * Redress given to an RDG result by the protest committee (RRS A9): exactly one of a stated
 * score, the races to average, or the average of all the rider's other races.
 */
export class RedressDto {
  @ApiPropertyOptional({ description: 'A stated score for this race, to one decimal, counted as given (not multiplied by the event\'s or category\'s multiplier)', minimum: 0, maximum: 10_000, example: 3.5 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 }) @Min(0) @Max(10_000)
  points?: number;

  @ApiPropertyOptional({ type: [Number], description: 'The average of the rider\'s scores in these events (event ids; events where the rider also has an RDG are left out), to one decimal', example: [3, 4] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(2_147_483_647, { each: true })
  events?: number[];

  @ApiPropertyOptional({ enum: [true], description: 'The average of the rider\'s scores in every other event of the board (those without an RDG), to one decimal', example: true })
  @IsOptional() @IsIn([true])
  average?: true;
}

const REDRESS_DESCRIPTION = 'RDG only: the redress given to this result (RRS A9), exactly one of { points } (a stated score), { events } (the average of those races) '
  + 'or { average: true } (the average of all the rider\'s other races). Absent or null: the points scale\'s RDG rule. A redress on another status is a 400.';

export class ResultRowDto {
  @ApiProperty({ type: ParticipantDto })
  @IsNotEmptyObject() @ValidateNested() @Type(() => ParticipantDto)
  participant: ParticipantDto;

  @ApiPropertyOptional({ description: 'Race number', maxLength: 20 })
  @IsOptional() @IsString() @MaxLength(20)
  bib?: string;

  @ApiPropertyOptional({ description: 'Place, 1 = winner; riders who tie share a place. For FIN and the penalties on a place (ZFP, SCP, DPI); another status\'s place is dropped with a warning', minimum: 1 })
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  position?: number;

  @ApiProperty({
    type: String,
    example: 'FIN',
    pattern: STATUS_FORMAT.source,
    description: 'FIN finished, DNF did not finish, DNS did not start, DSQ disqualified; the RRS codes: DNC did not come to the start, OCS on the '
      + 'course side, ZFP/UFD/BFD start penalties (Z, U, black flag), SCP scoring penalty, NSC did not sail the course, RET retired, RAF retired '
      + 'after finishing, DNE/DGM disqualification not excludable, DPI discretionary penalty, RDG redress; or an organiser-defined code '
      + '(GET /api/status-codes), which is unplaced. How each scores is the points scale\'s `codes`; an unknown code is a 400 listing the known ones',
  })
  @IsString() @Matches(STATUS_FORMAT, { message: STATUS_MESSAGE })
  status: ResultStatus;

  @ApiPropertyOptional({ description: 'Finishing time in milliseconds', minimum: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  timeMs?: number;

  @ApiPropertyOptional({ description: 'Value of grouping slot 1 by name (e.g. the school); created on first use', maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200)
  custom1?: string;

  @ApiPropertyOptional({ description: 'Value of grouping slot 2 by name (e.g. the club)', maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200)
  custom2?: string;

  @ApiPropertyOptional({ description: 'Value of grouping slot 3 by name (e.g. the team)', maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200)
  custom3?: string;

  @ApiPropertyOptional({ type: RedressDto, nullable: true, description: REDRESS_DESCRIPTION, example: { points: 3.5 } })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RedressDto)
  redress?: RedressDto | null;
}

/** PATCH: every field optional; a given field replaces the stored one. */
export class UpdateResultRowDto {
  @ApiPropertyOptional({ type: ParticipantDto })
  @IsOptional() @ValidateNested() @Type(() => ParticipantDto)
  participant?: ParticipantDto;

  @ApiPropertyOptional({ maxLength: 20, nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(20)
  bib?: string | null;

  @ApiPropertyOptional({ minimum: 1, nullable: true, type: Number, description: 'null removes the place' })
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  position?: number | null;

  @ApiPropertyOptional({ type: String, example: 'DNF', pattern: STATUS_FORMAT.source, description: 'A built-in or organiser-defined status code (GET /api/status-codes)' })
  @IsOptional() @IsString() @Matches(STATUS_FORMAT, { message: STATUS_MESSAGE })
  status?: ResultStatus;

  @ApiPropertyOptional({ minimum: 0, nullable: true, type: Number })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  timeMs?: number | null;

  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional() @IsString() @Length(1, 200)
  custom1?: string | null;

  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional() @IsString() @Length(1, 200)
  custom2?: string | null;

  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional() @IsString() @Length(1, 200)
  custom3?: string | null;

  @ApiPropertyOptional({ type: RedressDto, nullable: true, description: `${REDRESS_DESCRIPTION} A status other than RDG clears it; null removes it.`, example: { events: [3, 4] } })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RedressDto)
  redress?: RedressDto | null;
}

/** A new set starts unpublished or provisional; APPROVED is reached by a transition, once it has rows. */
const CREATABLE_STATES = ['DRAFT', 'PROVISIONAL'] as const;

export class CreateResultSetDto {
  @ApiProperty({ description: 'Category code, e.g. "U14 Boys"', maxLength: 100 })
  @IsString() @Length(1, 100)
  category: string;

  @ApiPropertyOptional({ enum: CREATABLE_STATES, default: 'DRAFT' })
  @IsOptional() @IsIn(CREATABLE_STATES)
  state?: (typeof CREATABLE_STATES)[number];
}

export class TransitionDto extends ReasonDto {
  @ApiProperty({ enum: RESULT_SET_STATES, description: 'The state to move to' })
  @IsIn(RESULT_SET_STATES)
  to: ResultSetState;
}

/** POST …/revisions takes no fields but an optional reason. */
export class RevisionDto extends ReasonDto {}

export class ResultRowView {
  @ApiProperty() id: number;
  @ApiProperty({ type: ParticipantDto }) participant: ParticipantDto & { id: number };
  @ApiProperty({ nullable: true, type: String }) bib: string | null;
  @ApiProperty({ nullable: true, type: Number }) position: number | null;
  @ApiProperty({ type: String, example: 'FIN', description: 'A built-in or organiser-defined status code (GET /api/status-codes)' }) status: ResultStatus;
  @ApiProperty({ nullable: true, type: Number }) timeMs: number | null;
  @ApiProperty({ nullable: true, type: String }) custom1: string | null;
  @ApiProperty({ nullable: true, type: String }) custom2: string | null;
  @ApiProperty({ nullable: true, type: String }) custom3: string | null;
  @ApiProperty({ type: RedressDto, nullable: true, description: 'RDG only: the redress given to this result (RRS A9); null: the points scale\'s RDG rule', example: { points: 3.5 } })
  redress: ResultRedress | null;
  @ApiPropertyOptional({ type: [String], example: ['body[0].position: a DNF rider has no place; the place 7 was ignored', DRAFT_WARNING_EXAMPLE], description: WARNINGS_DESCRIPTION })
  warnings?: string[];
}

export class ResultSetView {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: Number }) eventId: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Set for a leaderboard\'s standings' }) leaderboardId: number | null;
  @ApiProperty({ nullable: true, type: String }) category: string | null;
  @ApiProperty({ enum: RESULT_SET_STATES }) state: ResultSetState;
  @ApiProperty({ nullable: true, type: Number, description: 'The set this one revises (or replaced)' }) replacesId: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The newer set that replaced this one' }) replacedById: number | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage: string | null;
  @ApiProperty({ type: [ResultRowView] }) results: ResultRowView[];
  @ApiPropertyOptional({ type: [String], example: ['[3].position: a DNF rider has no place; the place 7 was ignored', DRAFT_WARNING_EXAMPLE], description: WARNINGS_DESCRIPTION })
  warnings?: string[];
}

/** A result set in a list: its facts without its rows. */
export class ResultSetSummaryView {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 3 }) eventId: number;
  @ApiProperty({ example: 'U14 Boys' }) category: string;
  @ApiProperty({ enum: RESULT_SET_STATES, example: 'PROVISIONAL' }) state: ResultSetState;
  @ApiProperty({ nullable: true, type: Number, example: null, description: 'The set this one revises (or replaced)' }) replacesId: number | null;
  @ApiProperty({ nullable: true, type: Number, example: null, description: 'The newer set that replaced this one' }) replacedById: number | null;
  @ApiProperty({ example: 42, description: 'Result rows in the set' }) rows: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-14T17:02:11.000Z', description: 'Last change to the set or its rows' }) updatedAt: string;
}

export class ResultSetPage extends PageView<ResultSetSummaryView> {
  @ApiProperty({ type: [ResultSetSummaryView] }) items: ResultSetSummaryView[];
}

export class ResultSetListQuery extends PageQuery {}
