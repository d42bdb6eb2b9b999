import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CustomGroupValuesRepository } from './custom-group-values.repository';
import { SeriesController } from './series.controller';
import { SeriesRepository } from './series.repository';
import { SeriesService } from './series.service';

@Module({
  imports: [AuditModule],
  controllers: [SeriesController],
  providers: [SeriesService, SeriesRepository, CustomGroupValuesRepository],
  exports: [SeriesService, CustomGroupValuesRepository],
})
export class SeriesModule {}
