import { ApiProperty, ApiPropertyOptional, getSchemaPath, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max,
  Min, ValidateBy, ValidateNested, ValidationOptions,
} from 'class-validator';
import {
  BELOW_MIN_EVENTS, BelowMinEvents, EVENT_SCOPES, EventScope, GROUP_SLOTS, GroupSlot, LEADERBOARD_TYPES, LeaderboardType,
  MISSED_RACES, MissedRaces, RANKINGS, Ranking, TIE_BREAKS, TieBreak,
} from './leaderboard.entity';
import { POINTS_SCALE_KINDS, PointsScaleKind } from './points-scale.entity';
import { CODE_BASES, CodeBase, StatusCodeRules } from '../calculators/types';
import { CodeListEntry, MAX_LISTED_CODES } from './code-list';

// ---------- points scales ----------

export class StatusPointsDto {
  @ApiPropertyOptional({ description: 'Points for did not finish', default: 0 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10_000) @Max(10_000)
  DNF?: number;

  @ApiPropertyOptional({ description: 'Points for did not start', default: 0 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10_000) @Max(10_000)
  DNS?: number;

  @ApiPropertyOptional({ description: 'Points for disqualified', default: 0 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10_000) @Max(10_000)
  DSQ?: number;
}

// ---------- status codes (issue 15, part A) ----------

/** A status code's rule (documentation only: the calculators check `codes` and name the bad setting). */
export class CodeScoringDto {
  @ApiPropertyOptional({ enum: CODE_BASES, description: 'What the points count: nothing, the race\'s starters (all but DNS, DNC) or finishers (FIN, ZFP, SCP, DPI), the results in the race, or the riders entered in the board\'s races' })
  base?: CodeBase;
  @ApiPropertyOptional({ description: 'Added to the base, e.g. 1 for "entered in the series + 1"', example: 1 })
  plus?: number;
  @ApiPropertyOptional({ description: 'A fixed score (the same as giving the bare number)' })
  points?: number;
  @ApiPropertyOptional({ description: 'ZFP, SCP, DPI: the place\'s points worsened by this percentage (0-100) of DNF\'s score (low point) or of the place\'s points (high point), rounded to 0.1, never past DNF', example: 20 })
  penaltyPercent?: number;
  @ApiPropertyOptional({ description: 'ZFP, SCP, DPI: the place\'s points worsened by this many points, never past DNF' })
  penaltyPoints?: number;
  @ApiPropertyOptional({ enum: ['AVERAGE'], description: 'RDG: the average of the rider\'s other races (or of eventIds), rounded to 0.1' })
  redress?: 'AVERAGE';
  @ApiPropertyOptional({ type: [Number], description: 'RDG with redress AVERAGE: the races to average' })
  eventIds?: number[];
  @ApiPropertyOptional({ description: 'false: a result of this code is never discarded (default false for DNE and DGM, true for the others)' })
  discardable?: boolean;
}

/** An entry of `codes` in its list form: the code, and its rule's settings beside it. */
export class CodeListEntryDto extends CodeScoringDto {
  @ApiProperty({ description: 'The status code this rule is for; each code at most once', example: 'DNF' })
  code: string;
}

const CODES_DESCRIPTION =
  'How each status code scores: a number (fixed points) or a rule (see CodeScoringDto). Codes not named take their default: on a low-point ' +
  'scale RRS Appendix A\'s (every unplaced code scores the riders entered in the series + 1, DNE and DGM not discardable; ZFP and SCP the ' +
  'place + 20 % of DNF\'s score; DPI the place; RDG the average of the other races), on a high-point scale 0 (RDG: the average). Known codes: ' +
  'DNF, DNS, DSQ, DNC, OCS, ZFP, UFD, BFD, SCP, NSC, RET, RAF, DNE, DGM, DPI, RDG, and the organiser-defined codes (GET /api/status-codes; '
  + 'a base, plus or points rule: they are unplaced); an organiser-defined code a scale does not name scores as DNF does there, discardable; '
  + 'naming a code that is not registered is a 400 naming codes.<code>. A scale created without codes and without statusPoints ' +
  'gets codes {} (the defaults); with statusPoints and no codes it scores as scales did before the codes (a new code as DNF). ' +
  'Also accepted as a list, [{ "code": "DNF", "base": "STARTERS", "plus": 1 }, …] (a fixed score as { "code", "points" }), which can say a ' +
  'code twice where an object cannot (JSON keeps the last key): a code listed twice is a 400 naming codes[i].code. Stored and answered as the object.';

export class CreatePointsScaleDto {
  @ApiProperty({ maxLength: 200, example: 'F1 2010' })
  @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({
    enum: POINTS_SCALE_KINDS,
    description: 'TABLE: points by place; LINEAR: first, then minus step down to floor; FIELD_SIZE: starters − place + 1; PERCENT_OF_FIELD: share of the field beaten; ' +
      'TIME: total elapsed time, lowest first (points are seconds); PERCENT_OF_WINNER: winner\'s time / rider\'s time × 100',
  })
  @IsIn(POINTS_SCALE_KINDS)
  kind: PointsScaleKind;

  @ApiPropertyOptional({ type: [Number], description: 'TABLE: points for 1st, 2nd, …', example: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true }) @Min(-10_000, { each: true }) @Max(10_000, { each: true })
  table?: number[];

  @ApiPropertyOptional({ description: 'TABLE: points for a place beyond the table', default: 0 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10_000) @Max(10_000)
  beyondTable?: number;

  @ApiPropertyOptional({ description: 'LINEAR: points for the winner' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10_000) @Max(10_000)
  first?: number;

  @ApiPropertyOptional({ description: 'LINEAR: points fewer per place' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(10_000)
  step?: number;

  @ApiPropertyOptional({ description: 'LINEAR: points never go below this' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10_000) @Max(10_000)
  floor?: number;

  @ApiPropertyOptional({ description: 'Low-point scoring: place = points, lower is better (cross-country)', default: false })
  @IsOptional() @IsBoolean()
  lowPoint?: boolean;

  @ApiPropertyOptional({ type: StatusPointsDto, description: 'Points for non-finishers (default 0)' })
  @IsOptional() @ValidateNested() @Type(() => StatusPointsDto)
  statusPoints?: StatusPointsDto;

  @ApiPropertyOptional({ enum: ['AVERAGE', 'SAME'], default: 'AVERAGE', description: 'Riders tied on a place: share the average of the tied points, or each get the full points' })
  @IsOptional() @IsIn(['AVERAGE', 'SAME'])
  ties?: 'AVERAGE' | 'SAME';

  @ApiPropertyOptional({ description: 'A DSQ result can never be dropped by best-of / drop-worst', default: false })
  @IsOptional() @IsBoolean()
  dsqNonDroppable?: boolean;

  @ApiPropertyOptional({
    description: CODES_DESCRIPTION,
    oneOf: [
      { type: 'object', additionalProperties: { oneOf: [{ type: 'number' }, { $ref: getSchemaPath(CodeScoringDto) }] } },
      { type: 'array', maxItems: MAX_LISTED_CODES, items: { $ref: getSchemaPath(CodeListEntryDto) } },
    ],
    example: { DNC: { base: 'ENTERED_IN_SERIES', plus: 1 }, ZFP: { penaltyPercent: 20 }, DNE: { base: 'ENTERED_IN_SERIES', plus: 1, discardable: false }, RDG: { redress: 'AVERAGE' } },
  })
  @IsOptional()
  @ValidateBy({ name: 'isCodes', validator: { validate: (v: unknown) => typeof v === 'object' && v !== null, defaultMessage: () => 'codes must be an object of status code → rule, or a list of { code, … } rules' } })
  codes?: StatusCodeRules | CodeListEntry[];

  // --- Time-based and participation scoring (issue 15) ---
  @ApiPropertyOptional({ description: 'PERCENT_OF_WINNER: decimals the percentage is rounded to', minimum: 0, maximum: 3, default: 2, example: 2 })
  @IsOptional() @IsInt() @Min(0) @Max(3)
  precision?: number;

  @ApiPropertyOptional({ description: 'Points for every race started (not DNS), on top of place points; high-point scales only', minimum: 0, example: 2 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(10_000)
  participationPoints?: number;
}

/** Request examples of a points scale (issue 15), shown in the OpenAPI document. */
export const POINTS_SCALE_EXAMPLES = {
  'RRS Appendix A low point': {
    summary: 'Sailing, RRS Appendix A low point: place = points, lowest total wins',
    description: 'Every code at its Appendix A default (DNC and DNF: entered in the series + 1; ZFP/SCP: + 20 % of DNF; DNE/DGM not discardable; RDG: average). Use with a board whose missed is DNC.',
    value: { name: 'RRS Appendix A low point', kind: 'TABLE', table: [1], lowPoint: true, codes: {} },
  },
  'Low point with options': {
    summary: 'Low point with a 30 % SCP and a fixed DPI',
    value: { name: 'Club low point', kind: 'TABLE', table: [1], lowPoint: true, codes: { SCP: { penaltyPercent: 30 }, DPI: { penaltyPoints: 2 }, RET: { base: 'STARTERS', plus: 1 } } },
  },
  'Codes as a list': {
    summary: 'Low point, codes as a list (a code listed twice is a 400 naming it)',
    value: { name: 'Club low point (list)', kind: 'TABLE', table: [1], lowPoint: true, codes: [{ code: 'DNF', base: 'STARTERS', plus: 1 }, { code: 'RET', base: 'STARTERS', plus: 1 }, { code: 'DPI', penaltyPoints: 2 }] },
  },
  'F1 with redress': {
    summary: 'F1 table, non-finishers 0, redress by average',
    value: { name: 'F1', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1], codes: { RDG: { redress: 'AVERAGE' } } },
  },
  'MTB with OTL': {
    summary: 'Cross-country points with an organiser-defined OTL (register it first: POST /api/status-codes {"code": "OTL"})',
    description: 'Riders over the time limit score 5 points, counted and never discarded; DNF scores 0 (the high-point default).',
    value: { name: 'XC points with OTL', kind: 'TABLE', table: [30, 25, 21, 18, 16, 15, 14, 13, 12, 11], codes: { OTL: { points: 5, discardable: false } } },
  },
  'XC time series': {
    summary: 'Cross-country time series: total elapsed time over the series, lowest wins',
    value: { name: 'XC time series', kind: 'TIME' },
  },
  'Percent of winner': {
    summary: "SeriesMgr-style: winner's time / rider's time × 100, to 1 decimal, plus 2 points per race started",
    value: { name: 'Percent of winner', kind: 'PERCENT_OF_WINNER', precision: 1, participationPoints: 2 },
  },
};

export class PointsScaleView extends OmitType(CreatePointsScaleDto, ['codes'] as const) {
  @ApiProperty() id: number;

  @ApiPropertyOptional({
    description: 'How each status code scores, as an object (a list sent is answered in this form); see CreatePointsScaleDto.codes',
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { $ref: getSchemaPath(CodeScoringDto) }] },
    example: { DNC: { base: 'ENTERED_IN_SERIES', plus: 1 }, ZFP: { penaltyPercent: 20 } },
  })
  codes?: StatusCodeRules;
}

// ---------- leaderboards ----------

export class CategoryDto {
  @ApiProperty({ maxLength: 100, example: 'U14 Boys' }) code: string;
  @ApiProperty({ default: 1, description: 'Points in this category are multiplied by this' }) multiplier: number;
}

/** `categories` entries: a code, or `{ code, multiplier }` (DESIGN.md). */
function IsCategoryList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCategoryList',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length >= 1 &&
          value.length <= 50 &&
          value.every(isCategory) &&
          new Set(value.map((c) => (typeof c === 'string' ? c : (c as CategoryDto).code))).size === value.length,
        defaultMessage: () =>
          'categories must be 1 to 50 distinct entries, each a code (1–100 characters) or { code, multiplier } with 0 < multiplier ≤ 100',
      },
    },
    options,
  );
}

function isCategory(value: unknown): boolean {
  const validCode = (code: unknown) => typeof code === 'string' && code.trim().length >= 1 && code.length <= 100;
  if (typeof value === 'string') return validCode(value);
  if (typeof value !== 'object' || value === null) return false;
  const { code, multiplier, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    validCode(code) &&
    (multiplier === undefined || (typeof multiplier === 'number' && Number.isFinite(multiplier) && multiplier > 0 && multiplier <= 100))
  );
}

const INITIAL_STATES = ['DRAFT', 'PROVISIONAL'] as const;

/** The optional settings of a board, shared by create and update. */
export class LeaderboardOptionsDto {
  @ApiPropertyOptional({ enum: EVENT_SCOPES, default: 'ALL', description: 'Which events count: all, starred only, or those in eventIds' })
  @IsOptional() @IsIn(EVENT_SCOPES)
  eventScope?: EventScope;

  @ApiPropertyOptional({ type: [Number], description: 'LISTED scope: the events that count' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true })
  eventIds?: number[];

  @ApiPropertyOptional({ description: 'Count only the best N events of each entry', minimum: 1, nullable: true, type: Number })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  bestOf?: number | null;

  @ApiPropertyOptional({ description: 'Drop the K worst events of each entry', minimum: 0, nullable: true, type: Number })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  dropWorst?: number | null;

  @ApiPropertyOptional({ type: [Number], description: 'Events whose result can never be dropped (e.g. the final)' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true })
  nonDroppableEventIds?: number[];

  @ApiPropertyOptional({ description: 'Events an entry needs to be ranked', minimum: 0, nullable: true, type: Number })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  minEvents?: number | null;

  @ApiPropertyOptional({ enum: BELOW_MIN_EVENTS, default: 'UNRANKED', description: 'Entries below minEvents: listed unranked at the end, or left out' })
  @IsOptional() @IsIn(BELOW_MIN_EVENTS)
  belowMinEvents?: BelowMinEvents;

  @ApiPropertyOptional({ description: 'SCHOOL/TOP_SCHOOLS/GROUP: riders whose points count per race (top K)', minimum: 1, nullable: true, type: Number })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  countingRiders?: number | null;

  @ApiPropertyOptional({ description: 'SCHOOL/TOP_SCHOOLS/GROUP: finishers a group needs in a race to score', minimum: 0, nullable: true, type: Number })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  minRiders?: number | null;

  @ApiPropertyOptional({ enum: GROUP_SLOTS, isArray: true, description: 'GROUP: the key is the first non-empty of these slots, e.g. ["custom3","custom2"]' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @ArrayUnique() @IsIn(GROUP_SLOTS, { each: true })
  groupBy?: GroupSlot[];

  @ApiPropertyOptional({
    enum: TIE_BREAKS, isArray: true, default: ['COUNTBACK', 'MOST_RECENT'], example: ['RRS_A8_1', 'RRS_A8_2'],
    description: 'Tie-breaks in order; a final deterministic key always follows. RRS_A8_1: race scores best to worst, discards excluded; ' +
      'RRS_A8_2: the last race, then the one before, discards included. Not read on a TIME scale (the most recent race\'s time decides)',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(TIE_BREAKS.length) @ArrayUnique() @IsIn(TIE_BREAKS, { each: true })
  tieBreaks?: TieBreak[];

  @ApiPropertyOptional({
    type: [Number], nullable: true, example: [4, 8],
    description: 'RRS A2.1 discards by races completed: [4, 8] = 1 discard once 4 races are completed, 2 once 8 are. Increasing; not with dropWorst',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsInt({ each: true }) @Min(1, { each: true }) @Max(10_000, { each: true })
  discardSchedule?: number[] | null;

  @ApiPropertyOptional({ enum: RANKINGS, default: 'STANDARD', description: 'STANDARD "1224" or DENSE "1223" positions' })
  @IsOptional() @IsIn(RANKINGS)
  ranking?: Ranking;

  @ApiPropertyOptional({
    enum: MISSED_RACES,
    description: 'A rider who raced any counted race of the board and has no result in another: no line (NONE), or scored DNC there (RRS A2.2; '
      + 'the DNC shows in the breakdown and may be discarded unless the scale keeps it). Default: DNC for a new board on a low-point scale, else NONE',
    example: 'DNC',
  })
  @IsOptional() @IsIn(MISSED_RACES)
  missed?: MissedRaces;

  @ApiPropertyOptional({ enum: INITIAL_STATES, default: 'PROVISIONAL', description: 'State of the standings set when it is first created' })
  @IsOptional() @IsIn(INITIAL_STATES)
  initialState?: (typeof INITIAL_STATES)[number];

  @ApiPropertyOptional({ default: true, description: 'Inactive boards are not recalculated' })
  @IsOptional() @IsBoolean()
  active?: boolean;
}

export class CreateLeaderboardDto extends LeaderboardOptionsDto {
  @ApiProperty({ description: 'The series the board ranks' })
  @IsInt() @Min(1) @Max(2_147_483_647)
  seriesId: number;

  @ApiProperty({ maxLength: 200, example: 'Top Schools' })
  @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ enum: LEADERBOARD_TYPES, description: 'INDIVIDUAL per rider; SCHOOL per school per category; TOP_SCHOOLS schools over all categories; GROUP like SCHOOL keyed by groupBy' })
  @IsIn(LEADERBOARD_TYPES)
  type: LeaderboardType;

  @ApiProperty({ description: 'The points scale results are scored with' })
  @IsInt() @Min(1) @Max(2_147_483_647)
  pointsScaleId: number;

  @ApiProperty({
    description: 'Categories the board reads: codes, or { code, multiplier }',
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { $ref: getSchemaPath(CategoryDto) }] },
    example: ['U14 Boys', { code: 'U16 Boys', multiplier: 1.5 }],
  })
  @IsCategoryList()
  categories: (string | CategoryDto)[];
}

/** PATCH: any field of create but the series. */
/** Request examples of a board (issue 15), shown in the OpenAPI document. */
export const LEADERBOARD_EXAMPLES = {
  'RRS Appendix A low point': {
    summary: 'Sailing series: 1 discard after 4 races, 2 after 8; ties by A8.1 then A8.2',
    value: { seriesId: 1, name: 'Club championship', type: 'INDIVIDUAL', pointsScaleId: 1, categories: ['ILCA 7'], discardSchedule: [4, 8], tieBreaks: ['RRS_A8_1', 'RRS_A8_2'] },
  },
  'MTB with OTL': {
    summary: 'Cross-country points with an organiser-defined OTL (register it first: POST /api/status-codes {"code": "OTL"})',
    description: 'Riders over the time limit score 5 points, counted and never discarded; DNF scores 0 (the high-point default).',
    value: { name: 'XC points with OTL', kind: 'TABLE', table: [30, 25, 21, 18, 16, 15, 14, 13, 12, 11], codes: { OTL: { points: 5, discardable: false } } },
  },
  'XC time series': {
    summary: 'Time series on a TIME scale: riders need a time in at least 3 races',
    value: { seriesId: 1, name: 'XC time series', type: 'INDIVIDUAL', pointsScaleId: 2, categories: ['Elite Men'], minEvents: 3 },
  },
};

export class UpdateLeaderboardDto extends PartialType(OmitType(CreateLeaderboardDto, ['seriesId'] as const)) {}

export class ListLeaderboardsQuery {
  @ApiProperty({ description: 'Series whose boards to list' })
  @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  seriesId: number;
}
