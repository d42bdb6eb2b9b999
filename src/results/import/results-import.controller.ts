import { Body, Controller, HttpCode, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags, ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { InvalidInputError } from '../../common/errors/domain-errors';
import { IdPipe } from '../../common/id.pipe';
import { parseSynonyms } from './cell-values';
import { FormDataOnlyInterceptor } from './form-data-only.interceptor';
import { ImportErrorView, ImportFormDto, ImportReportView } from './import.dto';
import { ResultsImportService } from './results-import.service';

@ApiTags('results')
@Controller()
export class ResultsImportController {
  constructor(private readonly imports: ResultsImportService) {}

  @Post('events/:id/results/import')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseInterceptors(FormDataOnlyInterceptor, FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: 'An .xlsx workbook (one sheet per category, or a Category column) or a .csv file (comma, semicolon or tab; UTF-8). '
      + 'Headers are matched without case or spaces: Place/Pos, Bib/No, Licence/UCI ID, First Name, Last Name (or Name), Category/Cat, '
      + 'Time (h:mm:ss.sss, mm:ss or seconds), Status (any status code: DNF, DNS, DSQ/DQ, RET, DNC, OCS, …, and the registered ones (GET /api/status-codes), '
      + 'read as themselves; OTL = DNF and LAP = FIN unless registered or statusSynonyms says otherwise; blank = finished; an unknown word is a 422 listing the known ones) and the series\' slot labels '
      + '(School, Club, Team). A shared place is written "=3". A non-finisher with a place (a DNF at the place it stopped) keeps its status, '
      + 'the place is dropped with a warning.',
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        category: { type: 'string', maxLength: 100, description: 'Category of rows without a Category cell' },
        state: { type: 'string', enum: ['DRAFT', 'PROVISIONAL'], default: 'PROVISIONAL' },
        statusSynonyms: { type: 'string', maxLength: 500, example: 'OTL=RET, LAP=DNF', description: 'WORD=CODE pairs: this file\'s own status words; a CODE is built-in or registered (else a 400 naming statusSynonyms)' },
      },
    },
  })
  @ApiOkResponse({ type: ImportReportView, description: 'Every row written, in one transaction' })
  @ApiBadRequestResponse({ description: 'No file part, an empty or corrupt file, no recognisable header row, no category for the rows, a bad form field' })
  @ApiNotFoundResponse({ description: 'No such event' })
  @ApiUnprocessableEntityResponse({ type: ImportErrorView, description: 'Some rows are wrong; nothing was written' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not a spreadsheet, a password-protected or legacy .xls workbook, or a CSV that is not UTF-8' })
  @ApiPayloadTooLargeResponse({ description: 'Over IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, or the ZIP limits' })
  async import(
    @Param('id', IdPipe) eventId: number,
    @UploadedFile() file: { buffer: Buffer; originalname?: string } | undefined,
    @Body() form: ImportFormDto,
  ): Promise<ImportReportView> {
    if (!file) throw new InvalidInputError([{ field: 'file', message: 'send the spreadsheet as the multipart/form-data part "file"' }]);
    const synonyms = form.statusSynonyms === undefined ? undefined : parseSynonyms(form.statusSynonyms);
    if (synonyms && !synonyms.ok) throw new InvalidInputError([{ field: 'statusSynonyms', message: synonyms.message }]);
    return this.imports.import({
      eventId, file: file.buffer, fileName: file.originalname ?? null, category: form.category, state: form.state, statusSynonyms: synonyms?.value,
    });
  }
}
