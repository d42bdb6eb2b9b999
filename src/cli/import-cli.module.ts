import { DynamicModule, Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';
import { AppConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { RecalcListener } from '../leaderboards/recalculation/recalc.listener';
import { eventBusRoot } from '../common/events/event-bus';
import { queueRoot } from '../common/queue/queue-root';
import { RecalcQueueModule } from '../leaderboards/recalculation/recalc-queue.module';
import { ResultsModule } from '../results/results.module';

/**
 * What `npm run import` needs and nothing more: the results module, and the listener that
 * turns the import's change event into debounced recalculation jobs for the running workers.
 * No HTTP server, worker, sweeper or mail task runs in the command's process.
 */
@Module({})
export class ImportCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ImportCliModule,
      imports: [
        ConfigModule.forRoot(config),
        // The audit log reads the current request through nestjs-cls; the command has none (its actor is cli:<user>).
        ClsModule.forRoot({ global: true }),
        eventBusRoot(),
        queueRoot(config),
        DatabaseModule,
        RecalcQueueModule,
        ResultsModule,
      ],
      providers: [RecalcListener],
    };
  }
}
