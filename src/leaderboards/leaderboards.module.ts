import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module';
import { LeaderboardsController } from './leaderboards.controller';
import { LeaderboardsRepository } from './leaderboards.repository';
import { LeaderboardsService } from './leaderboards.service';
import { PointsScale } from './points-scale.entity';
import { PointsScalesController } from './points-scales.controller';
import { PointsScalesService } from './points-scales.service';

@Module({
  imports: [TypeOrmModule.forFeature([PointsScale]), OutboxModule],
  controllers: [PointsScalesController, LeaderboardsController],
  providers: [LeaderboardsService, LeaderboardsRepository, PointsScalesService],
  exports: [LeaderboardsService, LeaderboardsRepository, PointsScalesService],
})
export class LeaderboardsModule {}
