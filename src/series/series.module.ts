import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomGroupValuesRepository } from './custom-group-values.repository';
import { RaceEvent } from './race-event.entity';
import { SeriesController } from './series.controller';
import { Series } from './series.entity';
import { SeriesService } from './series.service';

@Module({
  imports: [TypeOrmModule.forFeature([Series, RaceEvent])],
  controllers: [SeriesController],
  providers: [SeriesService, CustomGroupValuesRepository],
  exports: [SeriesService, CustomGroupValuesRepository],
})
export class SeriesModule {}
