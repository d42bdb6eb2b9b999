import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../../common/errors/domain-errors';
import { StandingsService } from '../standings.service';
import { Cell, columnHeader, entryRows, exportFilename, hasGroupColumn, titleRows } from './export-sheet';
import { StandingsExportRepository } from './standings-export.repository';

export interface StandingsExport {
  filename(ext: 'csv' | 'xlsx'): string;
  /** Title lines and a blank line, then the column header. */
  head: Cell[][];
  header: Cell[];
  /** One row per entry, read as the file is written. */
  rows: AsyncIterable<Cell[]>;
}

/** The standings as a sheet: the same readers and the same set as the JSON standings. */
@Injectable()
export class StandingsExportService {
  constructor(
    private readonly standings: StandingsService,
    private readonly exports: StandingsExportRepository,
  ) {}

  /** Throws NotFoundError (before anything is written) when the reader may not see these standings. */
  async prepare(leaderboardId: number, admin: boolean): Promise<StandingsExport> {
    const visible = await this.standings.visible(leaderboardId, admin, 'export');
    const board = await this.exports.board(leaderboardId);
    if (!board) throw new NotFoundError('Leaderboard', leaderboardId);
    const events = await this.exports.events(leaderboardId);
    return {
      filename: (ext) => exportFilename(board.name, leaderboardId, ext),
      head: titleRows(board, visible.shownState, visible.stale, visible.head.computedAt),
      header: columnHeader(board, events),
      rows: entryRows(this.exports.entries(visible.head.resultSetId), events, hasGroupColumn(board)),
    };
  }
}
