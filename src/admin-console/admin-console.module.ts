import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/config';

/** Where the console is served: the single-page app built from web/ (npm run build). */
export const CONSOLE_ROUTE = '/admin';

/**
 * The build's folder, dist/admin at the repository root: from dist/admin-console (compiled) and
 * from src/admin-console (ts-node in tests and start:dev) alike, two levels up is the root.
 */
export const CONSOLE_DIR = join(__dirname, '..', '..', 'dist', 'admin');

/**
 * The console's own assets are never answered with the shell: a missing one is a 404, not HTML
 * under a script's name. Nothing else is listed: serve-static turns every error on a listed path
 * into a 404 (a 413 from the retry page's body parser would become "Cannot POST"), and the routes
 * that share /admin answer before the fallback anyway (Bull Board is middleware, /admin/retry a
 * Nest route, both registered first).
 */
export const NOT_CONSOLE = ['/admin/assets/{*path}'];

/** Hashed asset names never change: cache them for a year; the page itself is revalidated each time. */
function cacheHeaders(res: Response, path: string): void {
  res.setHeader('Cache-Control', path.includes(`${join('admin', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** The organiser console at /admin, in processes that serve HTTP; /admin/* falls back to its index.html. */
@Module({})
export class AdminConsoleModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.appRole === 'worker') return { module: AdminConsoleModule };
    if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
      new Logger('AdminConsole').warn(`The console is not built (no ${join(CONSOLE_DIR, 'index.html')}): run npm run build to serve it at ${CONSOLE_ROUTE}`);
    }
    return {
      module: AdminConsoleModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath: CONSOLE_DIR,
          serveRoot: CONSOLE_ROUTE,
          exclude: NOT_CONSOLE,
          serveStaticOptions: { setHeaders: cacheHeaders, fallthrough: true, redirect: true },
        }),
      ],
    };
  }
}
