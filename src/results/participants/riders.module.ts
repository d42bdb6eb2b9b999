import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { PendingRecalcModule } from '../../pending-recalc/pending-recalc.module';
import { RidersController } from './riders.controller';
import { RidersRepository } from './riders.repository';
import { RidersService } from './riders.service';

/** Riders (participants) for organisers: search, detail, fixes, merges and their aliases. */
@Module({
  imports: [AuditModule, PendingRecalcModule],
  controllers: [RidersController],
  providers: [RidersService, RidersRepository],
})
export class RidersModule {}
