import { Module } from '@nestjs/common';
import { CustomGroupValuesRepository } from './custom-group-values.repository';
import { SeriesController } from './series.controller';
import { SeriesRepository } from './series.repository';
import { SeriesService } from './series.service';

@Module({
  controllers: [SeriesController],
  providers: [SeriesService, SeriesRepository, CustomGroupValuesRepository],
  exports: [SeriesService, CustomGroupValuesRepository],
})
export class SeriesModule {}
