import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { NotificationsModule } from '../../notifications/notifications.module';
import { PendingRecalcModule } from '../../pending-recalc/pending-recalc.module';
import { LeaderboardsModule } from '../leaderboards.module';
import { StandingsController } from '../standings/standings.controller';
import { StandingsRepository } from '../standings/standings.repository';
import { StandingsService } from '../standings/standings.service';
// Standings exports (CSV, XLSX)
import { StandingsExportController } from '../standings/export/standings-export.controller';
import { StandingsExportRepository } from '../standings/export/standings-export.repository';
import { StandingsExportService } from '../standings/export/standings-export.service';
import { RecalcListener } from './recalc.listener';
import { RecalcQueueModule } from './recalc-queue.module';
import { RecalcProcessor } from './recalc.processor';
import { RecalcSweeper } from './recalc.sweeper';
import { RecalculationController } from './recalculation.controller';
import { RecalculationRunner } from './recalculation-runner';
import { RecalculationService } from './recalculation.service';
import { RetryController } from './retry.controller';
import { RacePacksReader } from './race-packs.reader';
import { StandingsInputsRepository } from './standings-inputs.repository';
import { StandingsWriterRepository } from './standings-writer.repository';

/**
 * Synchronization: change events → debounced jobs → worker → standings. The worker and the
 * sweeper run only in processes whose APP_ROLE includes the worker.
 */
@Module({})
export class RecalculationModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker: Provider[] = config.appRole === 'api' ? [] : [RecalcProcessor, RecalcSweeper];
    return {
      module: RecalculationModule,
      imports: [RecalcQueueModule, PendingRecalcModule, NotificationsModule, LeaderboardsModule],
      controllers: [RecalculationController, StandingsController, StandingsExportController, RetryController],
      providers: [
        RecalcListener,
        RecalculationService,
        RecalculationRunner,
        StandingsInputsRepository,
        RacePacksReader,
        StandingsWriterRepository,
        StandingsRepository,
        StandingsService,
        StandingsExportRepository,
        StandingsExportService,
        ...worker,
      ],
      exports: [RecalculationService, RecalculationRunner],
    };
  }
}
