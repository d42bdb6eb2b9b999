import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, Patch, PipeTransform, Post, Put, Req } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, validate, ValidateNested } from 'class-validator';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { isAdminRequest } from '../common/auth/admin.guard';
import { Public } from '../common/auth/public.decorator';
import { InvalidInputError } from '../common/errors/domain-errors';
import { flattenValidationErrors } from '../common/errors/validation';
import { IdPipe } from '../common/id.pipe';
import { ResultSetsService } from './result-sets.service';
import {
  CreateResultSetDto, MAX_ROWS_PER_REQUEST, ResultRowDto, ResultRowView, ResultSetView, TransitionDto, UpdateResultRowDto,
} from './results.dto';

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
  @ApiCreatedResponse({ type: ResultSetView })
  create(@Param('id', IdPipe) eventId: number, @Body() dto: CreateResultSetDto): Promise<ResultSetView> {
    return this.results.create(eventId, dto);
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
  @ApiBody({ type: [ResultRowDto], description: `The set's new rows (replaces all of them), at most ${MAX_ROWS_PER_REQUEST}` })
  @ApiOkResponse({ type: ResultSetView })
  replace(@Param('id', IdPipe) id: number, @Body(RowsPipe) rows: ResultRowDto[]): Promise<ResultSetView> {
    return this.results.replaceRows(id, rows);
  }

  @Post('result-sets/:id/results')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: ResultRowView })
  add(@Param('id', IdPipe) id: number, @Body() row: ResultRowDto): Promise<ResultRowView> {
    return this.results.addRow(id, row);
  }

  @Patch('results/:id')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ResultRowView })
  update(@Param('id', IdPipe) id: number, @Body() patch: UpdateResultRowDto): Promise<ResultRowView> {
    return this.results.updateRow(id, patch);
  }

  @Delete('results/:id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.results.deleteRow(id);
  }

  @Post('result-sets/:id/transitions')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: ResultSetView })
  transition(@Param('id', IdPipe) id: number, @Body() dto: TransitionDto): Promise<ResultSetView> {
    return this.results.transition(id, dto.to);
  }

  @Post('result-sets/:id/revisions')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: ResultSetView })
  revise(@Param('id', IdPipe) id: number): Promise<ResultSetView> {
    return this.results.revise(id);
  }
}
