import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ClsModule } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { requestIdFor } from './common/logging/request-id';
import { AdminGuard } from './common/auth/admin.guard';
import { HttpErrorFilter } from './common/errors/http-exception.filter';
import { redactRequestUrl } from './common/logging/redact-url';
import { rootLogger } from './common/logging/root-logger';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LeaderboardsModule } from './leaderboards/leaderboards.module';
import { RecalculationModule } from './leaderboards/recalculation/recalculation.module';
import { NotificationsModule } from './notifications/notifications.module';
import { eventBusRoot } from './common/events/event-bus';
import { queueRoot } from './common/queue/queue-root';
import { RedisModule } from './redis/redis.module';
import { ResultsModule } from './results/results.module';
import { RidersModule } from './results/participants/riders.module';
import { SeriesModule } from './series/series.module';
// Housekeeping: retention of history (RETENTION_*)
import { HousekeepingModule } from './housekeeping/housekeeping.module';
// Operations: metrics, queue dashboard, cross-process events
import { EventBridgeModule } from './common/events/event-bridge.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
// Public pages and live updates
import { WebModule } from './web/web.module';
// The organiser console (web/, built into dist/admin)
import { AdminConsoleModule } from './admin-console/admin-console.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            // Level, redaction, format and the role binding live on the process's root logger.
            logger: rootLogger(config),
            serializers: { req: redactRequestUrl },
            // The same id is in the logs, the X-Request-Id response header and the audit log.
            genReqId: requestIdFor,
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
          // Every route, in Express 5's path syntax (the default '*' is rewritten with a warning at each start).
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
        // The current request, for the audit log's actor, reason and request id.
        ClsModule.forRoot({ global: true, middleware: { mount: true } }),
        eventBusRoot(),
        ScheduleModule.forRoot(),
        queueRoot(config),
        DatabaseModule,
        RedisModule,
        HealthModule,
        AuditModule,
        SeriesModule,
        ResultsModule,
        RidersModule,
        LeaderboardsModule,
        NotificationsModule,
        RecalculationModule.forRoot(config),
        // Housekeeping: retention of history (RETENTION_*)
        HousekeepingModule.forRoot(config),
        // Operations: metrics, queue dashboard, cross-process events
        MetricsModule,
        QueueDashboardModule.forRoot(config),
        EventBridgeModule,
        // Public pages and live updates (last: the pages' routes come after the API's)
        WebModule,
        // The organiser console at /admin (static files; after every route, so /api and /admin/queues answer first)
        AdminConsoleModule.forRoot(config),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AdminGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
