import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, AppConfig } from '../config/config';
import { PendingRecalcModule } from '../pending-recalc/pending-recalc.module';
import { SeriesModule } from '../series/series.module';
import { ResultsImportController } from './import/results-import.controller';
import { ResultsImportService } from './import/results-import.service';
import { ParticipantsRepository } from './participants.repository';
import { RaceRowsRepository } from './race-rows.repository';
import { ResultSetsRepository } from './result-sets.repository';
import { ResultSetsService } from './result-sets.service';
import { ResultsController } from './results.controller';
import { StatusCodesModule } from './status-codes/status-codes.module';

@Module({
  imports: [
    AuditModule,
    PendingRecalcModule,
    SeriesModule,
    StatusCodesModule,
    // Uploads are held in memory (bounded by IMPORT_MAX_BYTES) and never written to disk.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.importMaxBytes, files: 1, fields: 10, parts: 12 } }),
    }),
  ],
  controllers: [ResultsController, ResultsImportController],
  providers: [ResultSetsService, ResultSetsRepository, RaceRowsRepository, ParticipantsRepository, ResultsImportService],
  exports: [ResultSetsService, ResultSetsRepository, RaceRowsRepository, ParticipantsRepository, ResultsImportService],
})
export class ResultsModule {}
