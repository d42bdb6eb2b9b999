import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PendingRecalcModule } from '../pending-recalc/pending-recalc.module';
import { LeaderboardsController } from './leaderboards.controller';
import { LeaderboardsRepository } from './leaderboards.repository';
import { LeaderboardsService } from './leaderboards.service';
import { PointsScale } from './points-scale.entity';
import { PointsScalesController } from './points-scales.controller';
import { PointsScalesService } from './points-scales.service';

@Module({
  imports: [TypeOrmModule.forFeature([PointsScale]), PendingRecalcModule],
  controllers: [PointsScalesController, LeaderboardsController],
  providers: [LeaderboardsService, LeaderboardsRepository, PointsScalesService],
  exports: [LeaderboardsService, LeaderboardsRepository, PointsScalesService],
})
export class LeaderboardsModule {}
