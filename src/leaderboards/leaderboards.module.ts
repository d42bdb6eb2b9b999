import { Module } from '@nestjs/common';
import { StatusCodesModule } from '../results/status-codes/status-codes.module';
import { AuditModule } from '../audit/audit.module';
import { PendingRecalcModule } from '../pending-recalc/pending-recalc.module';
import { LeaderboardsController } from './leaderboards.controller';
import { LeaderboardsRepository } from './leaderboards.repository';
import { LeaderboardsService } from './leaderboards.service';
import { PointsScalesController } from './points-scales.controller';
import { PointsScalesRepository } from './points-scales.repository';
import { PointsScalesService } from './points-scales.service';

@Module({
  imports: [AuditModule, PendingRecalcModule, StatusCodesModule],
  controllers: [PointsScalesController, LeaderboardsController],
  providers: [LeaderboardsService, LeaderboardsRepository, PointsScalesRepository, PointsScalesService],
  exports: [LeaderboardsService, LeaderboardsRepository, PointsScalesRepository, PointsScalesService],
})
export class LeaderboardsModule {}
