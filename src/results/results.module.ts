import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { ResultRowsRepository } from './result-rows.repository';
import { ResultSetsRepository } from './result-sets.repository';
import { ResultSetsService } from './result-sets.service';
import { ResultsController } from './results.controller';

@Module({
  imports: [OutboxModule],
  controllers: [ResultsController],
  providers: [ResultSetsService, ResultSetsRepository, ResultRowsRepository],
  exports: [ResultSetsService, ResultSetsRepository, ResultRowsRepository],
})
export class ResultsModule {}
