import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, Patch, PipeTransform, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator';
import { InvalidInputError } from '../../common/errors/domain-errors';
import { CreateStatusCodeDto, StatusCodeList, StatusCodeView, UpdateStatusCodeDto } from './status-codes.dto';
import { StatusCodesService } from './status-codes.service';

/** A code in the path: capitals and digits (built-ins included), else a 400 naming it. */
@Injectable()
class CodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Z][A-Z0-9]{1,9}$/.test(value)) throw new InvalidInputError([{ field: 'code', message: 'must be a status code: 2 to 10 capital letters and digits, a letter first' }]);
    return value;
  }
}

const EXAMPLE = { code: 'OTL', number: 32, builtIn: false, label: 'over the time limit', createdAt: '2026-12-07T01:00:00.000Z' };

@ApiTags('status codes')
@Controller('status-codes')
export class StatusCodesController {
  constructor(private readonly codes: StatusCodesService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Every status code a result may carry',
    description: 'The built-in codes with their meaning, then the organiser\'s own. A points scale\'s `codes` says how each scores; '
      + 'an organiser-defined code a scale does not name scores as DNF does there, and may be discarded.',
  })
  @ApiOkResponse({ type: StatusCodeList, example: { items: [{ code: 'DNF', number: 1, builtIn: true, label: 'did not finish', createdAt: '2026-12-07T00:00:00.000Z' }, EXAMPLE] } })
  list(): Promise<StatusCodeList> {
    return this.codes.list();
  }

  @Get(':code')
  @Public()
  @ApiOkResponse({ type: StatusCodeView, example: EXAMPLE })
  @ApiNotFoundResponse({ description: 'No such code' })
  get(@Param('code', CodePipe) code: string): Promise<StatusCodeView> {
    return this.codes.get(code);
  }

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Register an organiser-defined status code',
    description: 'Results (rows, edits, imports) may then carry it, and points scales may say how it scores. It gets the next free '
      + 'number (never reused). Imports read the code as itself, before the default words (OTL → DNF, LAP → FIN).',
  })
  @ApiCreatedResponse({ type: StatusCodeView, example: EXAMPLE })
  @ApiBadRequestResponse({ description: 'A malformed code, a built-in code, or a label missing or too long (the field is named)' })
  @ApiConflictResponse({ description: 'The code exists already' })
  create(@Body() dto: CreateStatusCodeDto): Promise<StatusCodeView> {
    return this.codes.create(dto);
  }

  @Patch(':code')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change what an organiser-defined code means (its label); scores do not change' })
  @ApiOkResponse({ type: StatusCodeView, example: { ...EXAMPLE, label: 'outside the time limit' } })
  @ApiNotFoundResponse({ description: 'No such code' })
  @ApiConflictResponse({ description: 'A built-in code, which cannot be changed' })
  update(@Param('code', CodePipe) code: string, @Body() dto: UpdateStatusCodeDto): Promise<StatusCodeView> {
    return this.codes.update(code, dto);
  }

  @Delete(':code')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete an organiser-defined code that nothing uses', description: 'Its number is not given to another code.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such code' })
  @ApiConflictResponse({ description: 'A built-in code, or one still carried by results or named by a points scale (which are listed)' })
  async delete(@Param('code', CodePipe) code: string): Promise<void> {
    await this.codes.delete(code);
  }
}
