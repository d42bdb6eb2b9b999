import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { AppConfig } from '../../config/config';
import { NotificationsModule } from '../../notifications/notifications.module';
import { PendingRecalcModule } from '../../pending-recalc/pending-recalc.module';
import { LeaderboardsModule } from '../leaderboards.module';
import { StandingsModule } from '../standings/standings.module';
import { RecalcListener } from './recalc.listener';
import { RecalcQueueModule } from './recalc-queue.module';
import { RecalcProcessor } from './recalc.processor';
import { RecalcSweeper } from './recalc.sweeper';
import { RecalculationController } from './recalculation.controller';
import { RecalculationRunner } from './recalculation-runner';
import { RecalculationService } from './recalculation.service';
import { RetryController } from './retry.controller';
import { FingerprintMemo } from './fingerprint-memo';
import { RacePackMemo } from './race-pack-memo';
import { RacePacksRepository } from './race-packs.repository';
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
      imports: [AuditModule, RecalcQueueModule, PendingRecalcModule, NotificationsModule, LeaderboardsModule, StandingsModule],
      controllers: [RecalculationController, RetryController],
      providers: [
        RecalcListener,
        RecalculationService,
        RecalculationRunner,
        StandingsInputsRepository,
        RacePacksRepository,
        RacePackMemo,
        FingerprintMemo,
        StandingsWriterRepository,
        ...worker,
      ],
      exports: [RecalculationService, RecalculationRunner],
    };
  }
}
