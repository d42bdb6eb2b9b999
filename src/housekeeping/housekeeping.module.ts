import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { HOUSEKEEPING_QUEUE } from './retention-job';
import { RetentionProcessor } from './retention.processor';
import { RetentionRepository } from './retention.repository';
import { RetentionScheduler } from './retention.scheduler';

/**
 * Retention of run history, notifications, closed failure episodes and spent retry links
 * (RETENTION_*), and of the audit log when AUDIT_RETENTION_DAYS asks for it. Scheduling and
 * deleting run in processes whose APP_ROLE includes the worker.
 */
@Module({})
export class HousekeepingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker: Provider[] = config.appRole === 'api' ? [] : [RetentionRepository, RetentionScheduler, RetentionProcessor];
    return {
      module: HousekeepingModule,
      imports: [BullModule.registerQueue({ name: HOUSEKEEPING_QUEUE })],
      providers: worker,
    };
  }
}
