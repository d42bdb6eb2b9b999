import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PageQuery, PageView } from '../../common/paging';
import { RESULT_SET_STATES, ResultSetState } from '../../common/result-set-state';
import { RESULT_STATUSES, ResultStatus } from '../result-status';

/** Something other than spaces: a name of only spaces would be stored empty. */
const NOT_BLANK = /\S/;
/** Validated when present: null is not a name (IsOptional would let it through). */
const given = (_: object, value: unknown) => value !== undefined;

export class RiderSearchQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'zoe lee',
    description: 'Words, each the start of the first or last name (or of a word of one), of an alias\'s name, or of the licence; '
      + 'case and accents ignored ("zoe" finds Zoë). Empty or absent: every rider',
    maxLength: 200,
  })
  @IsOptional() @IsString() @Length(0, 200)
  q?: string;

  @ApiPropertyOptional({ example: 1, description: 'Only riders with a result in an event of this series (404 if there is no such series)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  seriesId?: number;
}

export class RiderView {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 'Ann' }) firstName: string;
  @ApiProperty({ example: 'Lee' }) lastName: string;
  @ApiProperty({ nullable: true, type: String, example: 'BC-10442', description: 'Licence (admin only, like every route here)' }) externalId: string | null;
}

export class RiderListItemView extends RiderView {
  @ApiProperty({ example: 6, description: 'Race results on file (superseded versions of a race not counted)' }) results: number;
}

export class RiderPage extends PageView<RiderListItemView> {
  @ApiProperty({ type: [RiderListItemView], description: 'By last name, first name (case and accents ignored), then id' }) items: RiderListItemView[];
}

export class AliasView extends RiderView {
  @ApiProperty({ example: 31, description: 'The rider whose merge left this alias (that id no longer exists)' }) mergedFrom: number;
  @ApiProperty({ format: 'date-time', example: '2026-05-02T09:14:03.120Z' }) createdAt: string;
}

export class BoardPointsView {
  @ApiProperty({ example: 3 }) leaderboardId: number;
  @ApiProperty({ example: 'U14 Girls' }) leaderboardName: string;
  @ApiProperty({ example: 18, description: 'As the board\'s stored standings give it (multipliers applied)' }) points: number;
  @ApiProperty({ example: true, description: 'False when the result was dropped (best of N, drop worst)' }) counted: boolean;
}

export class RiderResultView {
  @ApiProperty({ example: 311, description: 'The result row (PATCH /api/results/:id)' }) resultId: number;
  @ApiProperty({ example: 7 }) resultSetId: number;
  @ApiProperty({ enum: RESULT_SET_STATES, example: 'PROVISIONAL' }) state: ResultSetState;
  @ApiProperty({ example: 1 }) seriesId: number;
  @ApiProperty({ example: 'Schools Cup' }) seriesName: string;
  @ApiProperty({ example: 2 }) eventId: number;
  @ApiProperty({ example: 'Round 2' }) eventName: string;
  @ApiProperty({ example: '2026-03-28' }) date: string;
  @ApiProperty({ example: 'U14 Girls' }) category: string;
  @ApiProperty({ nullable: true, type: Number, example: 2 }) position: number | null;
  @ApiProperty({ enum: RESULT_STATUSES, example: 'FIN' }) status: ResultStatus;
  @ApiProperty({ nullable: true, type: Number, example: 1_823_400 }) timeMs: number | null;
  @ApiProperty({
    type: [BoardPointsView],
    description: 'Points per individual board, from its current standings\' breakdowns. Empty when none are known: the set is not '
      + 'published (DRAFT, DELETED), no active board reads the race, its boards have not been recalculated since the result '
      + 'changed (they are pending), or the boards are team boards (SCHOOL, TOP_SCHOOLS, GROUP: their lines name riders, not ids)',
  })
  points: BoardPointsView[];
}

export class RiderDetailView extends RiderView {
  @ApiProperty({ type: [AliasView], description: 'Names and licences of riders merged into this one; imports match them' }) aliases: AliasView[];
  @ApiProperty({ type: [RiderResultView], description: 'Every race result in every series, newest event first; REPLACED (superseded) sets left out' })
  results: RiderResultView[];
}

export class UpdateRiderDto {
  @ApiPropertyOptional({ example: 'John', maxLength: 100 })
  @ValidateIf(given) @IsString() @Length(1, 100) @Matches(NOT_BLANK, { message: 'firstName must not be blank' })
  firstName?: string;

  @ApiPropertyOptional({ example: 'Smith', maxLength: 100 })
  @ValidateIf(given) @IsString() @Length(1, 100) @Matches(NOT_BLANK, { message: 'lastName must not be blank' })
  lastName?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'BC-10442', maxLength: 50, description: 'Licence; null removes it. 409 if another rider (or an alias of one) has it' })
  @IsOptional() @IsString() @Length(1, 50) @Matches(NOT_BLANK, { message: 'externalId must not be blank' })
  externalId?: string | null;
}

export class MergeRiderDto {
  @ApiProperty({ example: 12, description: 'The rider who stays: every result moves to them' })
  @IsInt() @Min(1) @Max(2_147_483_647)
  intoId: number;

  @ApiPropertyOptional({ example: 'Same girl: moved from Hillside to Riverside in May', maxLength: 500, description: 'Why, for the audit log (else the X-Reason header)' })
  @IsOptional() @IsString() @Length(1, 500)
  reason?: string;
}

export class MergeMovesView {
  @ApiProperty({ example: 3, description: 'Race results moved' }) results: number;
  @ApiProperty({ type: [Number], example: [4, 9, 15], description: 'The result sets they are in' }) resultSetIds: number[];
  @ApiProperty({ example: 2, description: 'Standings rows moved (history, and entries the next run replaces)' }) standingsRows: number;
  @ApiProperty({ example: 0, description: 'Aliases of the merged rider now the kept rider\'s' }) aliasesMoved: number;
  @ApiProperty({
    example: 0,
    description: 'Results of the merged rider deleted from superseded (REPLACED) versions of races the kept rider is also in: '
      + 'a race cannot hold one rider twice, and nobody edits a superseded version. Each one is listed in the merge\'s audit record (droppedFromSuperseded)',
  }) supersededResultsDropped: number;
}

export class MergeView {
  @ApiProperty({ example: 31, description: 'The rider merged (deleted); GET /api/participants/31 now answers 404' }) mergedId: number;
  @ApiProperty({ type: RiderDetailView }) into: RiderDetailView;
  @ApiProperty({ type: MergeMovesView }) moved: MergeMovesView;
  @ApiProperty({ type: AliasView, description: 'The merged rider\'s name and licence, kept for later imports' }) alias: AliasView;
  @ApiProperty({ type: [Number], example: [3, 5], description: 'Boards marked pending: they recalculate after the usual quiet period' }) leaderboardIds: number[];
}
