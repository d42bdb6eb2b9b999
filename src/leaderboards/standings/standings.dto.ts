import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { RESULT_SET_STATES, ResultSetState } from '../../common/result-set-state';

export const MAX_PAGE = 500;

export class StandingsQuery {
  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000)
  offset?: number;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: MAX_PAGE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE)
  limit?: number;
}

export class StandingsEntryView {
  @ApiProperty({ nullable: true, type: Number, description: 'Rank; equal for tied entries; null when unranked (below minEvents)' }) position: number | null;
  @ApiProperty() points: number;
  @ApiProperty({ description: 'Strict total order of the standings (1 = first)' }) seq: number;
  @ApiProperty({ description: 'Stable key: p:<participantId>, c:<valueId>:<category> or c:<valueId>' }) key: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String, description: 'School/club of a rider, or the category of a team entry' }) group: string | null;
  @ApiProperty({ nullable: true, type: String }) category: string | null;
  @ApiProperty({ description: 'How the points were made: results counted and dropped, and the tie-break that decided', type: Object }) breakdown: unknown;
}

export class StandingsView {
  @ApiProperty() leaderboardId: number;
  @ApiProperty() resultSetId: number;
  @ApiProperty({ enum: RESULT_SET_STATES }) state: ResultSetState;
  @ApiProperty({ description: 'True while the standings are PROVISIONAL (or were, before a failure)' }) provisional: boolean;
  @ApiProperty({ description: 'True when the last recalculation FAILED: these are the last good rows' }) stale: boolean;
  @ApiPropertyOptional({
    description: 'Admins only, present and true while a DRAFT revision of published standings is being worked on: '
      + 'these are the revision\'s rows, the public still sees the published set until the revision is published',
  })
  revisionPending?: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) computedAt: string | null;
  @ApiProperty({ description: 'Entries in all' }) total: number;
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty({ type: [StandingsEntryView] }) entries: StandingsEntryView[];
}

export class StandingsEntryLookupView {
  @ApiProperty() leaderboardId: number;
  @ApiProperty({ enum: RESULT_SET_STATES }) state: ResultSetState;
  @ApiProperty() stale: boolean;
  @ApiProperty({ description: 'Entries in all' }) total: number;
  @ApiProperty({ type: StandingsEntryView }) entry: StandingsEntryView;
}

/** An entry's place within its category, as the tied positions of a page are listed ("=3"). */
export const tieKey = (category: string | null, position: number): string => `${category ?? ''}\u0000${position}`;
