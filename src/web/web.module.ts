import { Module } from '@nestjs/common';
import { StandingsModule } from '../leaderboards/standings/standings.module';
import { WebController } from './web.controller';
import { WebRepository } from './web.repository';
import { WebService } from './web.service';

/** The public face of Podium: server-rendered pages (see web.controller.ts for the paths). */
@Module({
  imports: [StandingsModule],
  controllers: [WebController],
  providers: [WebService, WebRepository],
})
export class WebModule {}
