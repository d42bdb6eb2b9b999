import { Controller, Get, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAdminRequest } from '../../../common/auth/admin.guard';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { Public } from '../../../common/auth/public.decorator';
import { IdPipe } from '../../../common/id.pipe';
import { attachmentHeader, Cell } from './export-sheet';
import { StandingsExport, StandingsExportService } from './standings-export.service';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const COLUMNS = 'Title lines (board, state, update time, a key), a blank line, then the columns: Position ("=3" when tied, blank when unranked), '
  + 'name, group (headed with the series\' own slot label, e.g. School), Points, and one column per counted event in date order: the points made there '
  + '(a number), "(12)" when that result was dropped, the status for a non-finish ("DNF", or "DNF 2" when it scored), blank when there was no result. '
  + 'Text cells starting with =, +, -, @, tab or CR get a leading single quote (formula injection); numbers stay numbers. '
  + 'Same readers as the JSON standings: public when published (PROVISIONAL, APPROVED; FAILED shows the last good rows), admins also see unpublished ones; otherwise 404.';

@ApiTags('standings')
@Controller('leaderboards/:id')
export class StandingsExportController {
  private readonly logger = new Logger(StandingsExportController.name);

  constructor(
    private readonly exports: StandingsExportService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('standings.csv')
  @Public()
  @ApiOperation({ summary: 'The standings as CSV (UTF-8 with BOM, CRLF, RFC 4180), streamed', description: COLUMNS })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'Content-Disposition: attachment; filename="<board-name>-standings.csv" (and filename* when the name is not ASCII)' })
  @ApiResponse({ status: 404, description: 'No such board or no standings yet; without an admin key also standings that are not published' })
  async csv(@Param('id', IdPipe) id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    const sheet = await this.exports.prepare(id, isAdminRequest(req));
    this.start(res, sheet.filename('csv'), 'text/csv; charset=utf-8');
    await this.streaming(res, id, () => pipeline(
      Readable.from(allRows(sheet)),
      stringify({ bom: true, record_delimiter: 'windows' }),
      res,
    ));
  }

  @Get('standings.xlsx')
  @Public()
  @ApiOperation({ summary: 'The standings as an Excel workbook (one sheet), streamed', description: COLUMNS })
  @ApiProduces(XLSX_TYPE)
  @ApiResponse({ status: 200, description: 'Content-Disposition: attachment; filename="<board-name>-standings.xlsx" (and filename* when the name is not ASCII)' })
  @ApiResponse({ status: 404, description: 'No such board or no standings yet; without an admin key also standings that are not published' })
  async xlsx(@Param('id', IdPipe) id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    const sheet = await this.exports.prepare(id, isAdminRequest(req));
    this.start(res, sheet.filename('xlsx'), XLSX_TYPE);
    await this.streaming(res, id, async () => {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
      const worksheet = workbook.addWorksheet('Standings');
      for (const row of sheet.head) worksheet.addRow(row).commit();
      const header = worksheet.addRow(sheet.header);
      header.font = { bold: true };
      header.commit();
      for await (const row of sheet.rows) {
        if (res.destroyed) throw new Error('client went away');
        worksheet.addRow(row).commit();
      }
      worksheet.commit();
      await workbook.commit();
    });
  }

  private start(res: Response, filename: string, contentType: string): void {
    res.setHeader('Content-Disposition', attachmentHeader(filename));
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-cache');
    res.status(200);
    // The rows come from one open snapshot: a client that stops reading would hold it, and a pool connection, for ever.
    res.setTimeout(this.config.exportStallTimeoutMs, () => res.destroy());
  }

  /** Once the headers are out an error cannot become an error answer: the response is cut short instead. */
  private async streaming(res: Response, leaderboardId: number, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!res.destroyed) this.logger.error({ err, leaderboardId }, 'Standings export failed while streaming');
      res.destroy();
    }
  }
}

async function* allRows(sheet: StandingsExport): AsyncGenerator<Cell[]> {
  yield* sheet.head;
  yield sheet.header;
  yield* sheet.rows;
}
