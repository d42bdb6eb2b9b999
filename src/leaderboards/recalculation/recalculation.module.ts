import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { NotificationsModule } from '../../notifications/notifications.module';
import { QueueModule } from '../../queue/queue.module';
import { LeaderboardsModule } from '../leaderboards.module';
import { StandingsController } from '../standings/standings.controller';
import { StandingsRepository } from '../standings/standings.repository';
import { StandingsRowsRepository } from '../standings/standings-rows.repository';
import { StandingsService } from '../standings/standings.service';
import { RecalcListener } from './recalc.listener';
import { RecalcProcessor } from './recalc.processor';
import { RecalcSweeper } from './recalc.sweeper';
import { RecalculationController } from './recalculation.controller';
import { RecalculationRunner } from './recalculation-runner';
import { RecalculationService } from './recalculation.service';
import { RunsRepository } from './runs.repository';
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
      imports: [QueueModule, NotificationsModule, LeaderboardsModule],
      controllers: [RecalculationController, StandingsController],
      providers: [
        RecalcListener,
        RecalculationService,
        RecalculationRunner,
        RunsRepository,
        StandingsInputsRepository,
        RacePacksReader,
        StandingsWriterRepository,
        StandingsRepository,
        StandingsRowsRepository,
        StandingsService,
        ...worker,
      ],
      exports: [RecalculationService, RecalculationRunner],
    };
  }
}
