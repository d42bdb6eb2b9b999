import { Body, Controller, Delete, Get, HttpCode, Param, ParseArrayPipe, Patch, Post, Put, Req, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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

/** The array body of PUT …/results, validated row by row with field paths like `[3].participant.lastName`. */
const rowsPipe = new ParseArrayPipe({
  items: ResultRowDto,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) => {
    const list = Array.isArray(errors) ? errors : [errors];
    return new InvalidInputError(
      list.flatMap((e) => (typeof e === 'string' ? [{ field: 'body', message: e }] : flattenValidationErrors([e]))),
    );
  },
});

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

  /** Public once published; a DRAFT is visible to admins only. */
  @Get('result-sets/:id')
  @Public()
  @ApiOkResponse({ type: ResultSetView })
  async get(@Param('id', IdPipe) id: number, @Req() request: Request): Promise<ResultSetView> {
    const view = await this.results.get(id);
    if (view.state === 'DRAFT' && !isAdminRequest(request)) {
      throw new UnauthorizedException('This result set is a DRAFT: send an admin key to see it');
    }
    return view;
  }

  @Put('result-sets/:id/results')
  @ApiBearerAuth()
  @ApiBody({ type: [ResultRowDto], description: `The set's new rows (replaces all of them), at most ${MAX_ROWS_PER_REQUEST}` })
  @ApiOkResponse({ type: ResultSetView })
  replace(@Param('id', IdPipe) id: number, @Body(rowsPipe) rows: ResultRowDto[]): Promise<ResultSetView> {
    if (rows.length > MAX_ROWS_PER_REQUEST) {
      throw new InvalidInputError([{ field: 'body', message: `at most ${MAX_ROWS_PER_REQUEST} rows per request; import larger files` }]);
    }
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
