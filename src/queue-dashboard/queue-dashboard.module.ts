import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AdminKeys } from '../common/auth/admin-keys';
import { AppConfig } from '../config/config';
import { NOTIFICATIONS_QUEUE, RECALC_QUEUE } from '../common/queue/queue-names';

/** Where the dashboard is served; excluded from the /api prefix in bootstrap.ts. */
export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/**
 * Bull Board's middleware runs before Nest's guards, so it checks the admin key itself: a bearer
 * header (scripts), or Basic auth with any user and the key as password (the browser's prompt).
 */
export function adminKeyOrBasicAuth(keys: AdminKeys) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    const presented = AdminKeys.fromHeader(header) ?? AdminKeys.fromBasicHeader(header);
    if (presented !== null && keys.matches(presented)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="Podium queues", charset="UTF-8"')
      .json({ statusCode: 401, error: 'Unauthorized', message: 'This needs an admin key: Basic auth with the key as password, or Authorization: Bearer <key>' });
  };
}

/** Bull Board at /admin/queues, only in processes that serve HTTP. */
@Module({})
export class QueueDashboardModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.appRole === 'worker') return { module: QueueDashboardModule };
    return {
      module: QueueDashboardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_ROUTE,
          // @bull-board/express 9.10.1 (its latest) nests its own @bull-board/api: same shape, separate types.
          adapter: ExpressAdapter as unknown as BullBoardModuleOptions['adapter'],
          middleware: adminKeyOrBasicAuth(new AdminKeys(config.adminApiKeys)),
          boardOptions: { uiConfig: { boardTitle: 'Podium queues' } },
        }),
        BullBoardModule.forFeature({ name: RECALC_QUEUE, adapter: BullMQAdapter }, { name: NOTIFICATIONS_QUEUE, adapter: BullMQAdapter }),
      ],
    };
  }
}
