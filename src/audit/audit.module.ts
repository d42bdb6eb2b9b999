import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditTrail } from './audit-trail';

/** The audit log: features record their changes through AuditTrail in their own transactions. */
@Module({
  controllers: [AuditController],
  providers: [AuditTrail, AuditLogRepository],
  exports: [AuditTrail, AuditLogRepository],
})
export class AuditModule {}
