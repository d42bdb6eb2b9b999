import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { StatusCodesController } from './status-codes.controller';
import { StatusCodesRepository } from './status-codes.repository';
import { StatusCodesService } from './status-codes.service';

/** The status code registry: read by results (rows, imports) and by points scales and the recalculation. */
@Module({
  imports: [AuditModule],
  controllers: [StatusCodesController],
  providers: [StatusCodesService, StatusCodesRepository],
  exports: [StatusCodesRepository],
})
export class StatusCodesModule {}
