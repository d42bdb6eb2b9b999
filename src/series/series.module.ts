import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PendingRecalcModule } from '../pending-recalc/pending-recalc.module';
import { CustomGroupValuesRepository } from './custom-group-values.repository';
import { EventsController } from './events.controller';
import { SeriesController } from './series.controller';
import { SeriesRepository } from './series.repository';
import { SeriesService } from './series.service';

@Module({
  imports: [AuditModule, PendingRecalcModule],
  controllers: [SeriesController, EventsController],
  providers: [SeriesService, SeriesRepository, CustomGroupValuesRepository],
  exports: [SeriesService, CustomGroupValuesRepository],
})
export class SeriesModule {}
