import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, Patch, PipeTransform, Post, Put, Query, Req } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, validate, ValidateNested } from 'class-validator';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { isAdminRequest } from '../common/auth/admin.guard';
import { Public } from '../common/auth/public.decorator';
import { InvalidInputError } from '../common/errors/domain-errors';
import { flattenValidationErrors } from '../common/errors/validation';
import { IdPipe } from '../common/id.pipe';
import { pageWindow } from '../common/paging';
import { ResultSetsService } from './result-sets.service';
import {
  CreateResultSetDto, MAX_ROWS_PER_REQUEST, ResultRowDto, ResultRowView, ResultSetListQuery, ResultSetPage, ResultSetView, RevisionDto, TransitionDto,
  UpdateResultRowDto,
} from './results.dto';

/** A body `reason` as the audit log keeps it: trimmed, and none when blank. */
const reasonOf = (body: { reason?: string }): string | undefined => body.reason?.trim() || undefined;

const DRAFT_NOTE = ' The answer\'s `warnings` say when the set is a DRAFT, which feeds no leaderboard until it is published.';

const TOO_MANY_ROWS = `at most ${MAX_ROWS_PER_REQUEST} rows per request; import larger files`;

class RowsBody {
  @IsArray() @ArrayMaxSize(MAX_ROWS_PER_REQUEST, { message: TOO_MANY_ROWS })
  @ValidateNested({ each: true }) @Type(() => ResultRowDto)
  rows: ResultRowDto[];
}

/**
 * The array body of PUT …/results, validated as a whole so every error names its row:
 * `[3].participant.lastName`. Unknown fields are errors, as everywhere else.
 */
@Injectable()
class RowsPipe implements PipeTransform<unknown, Promise<ResultRowDto[]>> {
  async transform(value: unknown): Promise<ResultRowDto[]> {
    if (!Array.isArray(value)) throw new InvalidInputError([{ field: 'body', message: 'must be a JSON array of result rows' }]);
    // Before transforming each element: 100 000 rows would hold the event loop for seconds only to be refused.
    if (value.length > MAX_ROWS_PER_REQUEST) throw new InvalidInputError([{ field: 'body', message: TOO_MANY_ROWS }]);
    // class-transformer turns a nested array into an array of rows and class-validator lets it through.
    const notRows = value.flatMap((row, index) => (row !== null && typeof row === 'object' && !Array.isArray(row) ? [] : [index]));
    if (notRows.length > 0) {
      throw new InvalidInputError(notRows.slice(0, 20).map((index) => ({ field: `[${index}]`, message: 'must be a result row object' })));
    }
    const body = plainToInstance(RowsBody, { rows: value });
    const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const [rowsError] = errors;
      const own = Object.values(rowsError.constraints ?? {}).map((message) => ({ field: 'body', message }));
      throw new InvalidInputError([...own, ...flattenValidationErrors(rowsError.children ?? [])]);
    }
    return body.rows;
  }
}

@ApiTags('results')
@Controller()
export class ResultsController {
  constructor(private readonly results: ResultSetsService) {}

  @Post('events/:id/result-sets')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A new result set for a category of the event (DRAFT unless state is given)', description: `Recorded in the audit log (result_set.create).${DRAFT_NOTE}` })
  @ApiCreatedResponse({ type: ResultSetView })
  create(@Param('id', IdPipe) eventId: number, @Body() dto: CreateResultSetDto): Promise<ResultSetView> {
    return this.results.create(eventId, dto);
  }

  @Get('events/:id/result-sets')
  @Public()
  @ApiOperation({
    summary: 'The result sets of an event, without their rows, oldest first',
    description: 'Paged (offset, limit ≤ 500), ordered by id. With an admin key: every set in every state (revisions, drafts, deleted and replaced ones). '
      + 'Without one: only the sets the public may see (PROVISIONAL, APPROVED, and REPLACED sets that were published). Read a set\'s rows with GET /api/result-sets/{id}.',
  })
  @ApiOkResponse({ type: ResultSetPage })
  @ApiNotFoundResponse({ description: 'No such event' })
  list(@Param('id', IdPipe) eventId: number, @Query() query: ResultSetListQuery, @Req() request: Request): Promise<ResultSetPage> {
    return this.results.listForEvent(eventId, isAdminRequest(request), pageWindow(query));
  }

  @Get('result-sets/:id')
  @Public()
  @ApiOperation({
    summary: 'A result set and its rows',
    description: 'Public when published (PROVISIONAL or APPROVED; FAILED standings and REPLACED sets when they were published before). '
      + 'Without an admin key: DRAFT, DELETED and never-published sets answer 404 like a missing id, rows carry no licence number '
      + '(participant.externalId), and errorMessage is a generic note instead of the failure\'s detail. With a key: everything.',
  })
  @ApiOkResponse({ type: ResultSetView })
  @ApiNotFoundResponse({ description: 'No such set, or (without an admin key) a set that is not public' })
  get(@Param('id', IdPipe) id: number, @Req() request: Request): Promise<ResultSetView> {
    return this.results.get(id, isAdminRequest(request));
  }

  @Put('result-sets/:id/results')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Replace every row of a DRAFT or PROVISIONAL set',
    description: 'Recorded in the audit log (result_set.replace_rows) with counts and the keys of the riders added, removed and changed. '
      + `Rows identical to the stored ones change nothing: no board is marked, no change is published and no audit row is written.${DRAFT_NOTE}`,
  })
  @ApiBody({ type: [ResultRowDto], description: `The set's new rows (replaces all of them), at most ${MAX_ROWS_PER_REQUEST}` })
  @ApiOkResponse({ type: ResultSetView })
  replace(@Param('id', IdPipe) id: number, @Body(RowsPipe) rows: ResultRowDto[]): Promise<ResultSetView> {
    return this.results.replaceRows(id, rows);
  }

  @Post('result-sets/:id/results')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add one row to a DRAFT or PROVISIONAL set', description: `Recorded in the audit log (result.create).${DRAFT_NOTE}` })
  @ApiCreatedResponse({ type: ResultRowView })
  add(@Param('id', IdPipe) id: number, @Body() row: ResultRowDto): Promise<ResultRowView> {
    return this.results.addRow(id, row);
  }

  @Patch('results/:id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change fields of one row',
    description: 'Recorded in the audit log (result.update) with the changed fields before and after; a patch that changes nothing records nothing and marks nothing. '
      + `Send X-Reason to say why.${DRAFT_NOTE}`,
  })
  @ApiOkResponse({ type: ResultRowView })
  update(@Param('id', IdPipe) id: number, @Body() patch: UpdateResultRowDto): Promise<ResultRowView> {
    return this.results.updateRow(id, patch);
  }

  @Delete('results/:id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete one row', description: 'Recorded in the audit log (result.delete) with the row as it was. Send X-Reason to say why.' })
  @ApiNoContentResponse()
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.results.deleteRow(id);
  }

  @Post('result-sets/:id/transitions')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Move a set to another state', description: `Recorded in the audit log (result_set.transition, state before and after) with the body's reason or X-Reason.${DRAFT_NOTE}` })
  @ApiOkResponse({ type: ResultSetView })
  transition(@Param('id', IdPipe) id: number, @Body() dto: TransitionDto): Promise<ResultSetView> {
    return this.results.transition(id, dto.to, reasonOf(dto));
  }

  @Post('result-sets/:id/revisions')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'A DRAFT revision of a published or deleted set',
    description: 'Recorded in the audit log on the set revised (result_set.revise, with the revision\'s id) with the body\'s reason or X-Reason. '
      + 'The answer is the revision; its `warnings` say it is a DRAFT that takes effect when published.',
  })
  @ApiBody({ type: RevisionDto, required: false })
  @ApiCreatedResponse({ type: ResultSetView })
  revise(@Param('id', IdPipe) id: number, @Body() dto: RevisionDto): Promise<ResultSetView> {
    return this.results.revise(id, reasonOf(dto ?? {}));
  }
}
