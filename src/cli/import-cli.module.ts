import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AppConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { RecalcListener } from '../leaderboards/recalculation/recalc.listener';
import { QueueModule } from '../queue/queue.module';
import { redisOptions } from '../redis/redis.module';
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
        EventEmitterModule.forRoot({ wildcard: false, ignoreErrors: false }),
        BullModule.forRoot({ connection: { url: config.redisUrl, ...redisOptions(config) }, prefix: config.redisPrefix }),
        DatabaseModule,
        QueueModule,
        ResultsModule,
      ],
      providers: [RecalcListener],
    };
  }
}
