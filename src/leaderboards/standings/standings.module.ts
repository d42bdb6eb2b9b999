import { Module } from '@nestjs/common';
import { RenderCache } from '../../common/http/render-cache';
import { StandingsStreams } from './standings-streams';
import { StandingsExportController } from './export/standings-export.controller';
import { StandingsExportRepository } from './export/standings-export.repository';
import { StandingsExportService } from './export/standings-export.service';
import { StandingsController } from './standings.controller';
import { StandingsRowsRepository } from './standings-rows.repository';
import { StandingsRepository } from './standings.repository';
import { StandingsService } from './standings.service';

/**
 * The read side of standings: the JSON reads, the CSV/XLSX exports, the live-update stream and the visibility rules
 * the public pages share. A static module, so the API and the pages use one render cache.
 */
@Module({
  controllers: [StandingsController, StandingsExportController],
  providers: [StandingsRepository, StandingsRowsRepository, StandingsService, StandingsStreams, RenderCache, StandingsExportRepository, StandingsExportService],
  exports: [StandingsRepository, StandingsRowsRepository, StandingsService, RenderCache],
})
export class StandingsModule {}
