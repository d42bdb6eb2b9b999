import { INestApplication, Logger as NestLogger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/errors/validation';
import { useBodyParsers } from './common/input/body-parsers';
import { InputShapePipe } from './common/input/input-shape.pipe';
import { securityHeaders } from './common/http/security-headers';
import { applyServerTimeouts } from './common/http/server-timeouts';
import { AppConfig, DEVELOPMENT_RETRY_SECRET } from './config/config';
import { servesHttp } from './common/logging/startup-lines';
import { prepareDatabase } from './database/prepare-database';
import { PodiumMetrics } from './metrics/podium-metrics';
import { PAGE_ROUTES } from './web/web.controller';

export interface StartOptions {
  /** Buffer logs until the pino logger is ready (false in tests to keep output quiet). */
  bufferLogs?: boolean;
}

/**
 * Builds the whole app from a validated configuration: database created and migrated first,
 * then the Nest application with its pipes, docs and shutdown hooks. main.ts and the
 * integration tests both start Podium through here.
 */
export async function createPodiumApp(config: AppConfig, options: StartOptions = {}): Promise<INestApplication> {
  await prepareDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: options.bufferLogs ?? true,
    // A failed start is thrown to main.ts, which logs it as a fatal line and exits 1 (not a core-dumping abort).
    abortOnError: false,
    // Quiet starts (tests, benchmarks): Nest's own start-up lines would bypass the silent pino logger.
    ...(config.logLevel === 'silent' ? { logger: false as const } : {}),
  });
  // Hostile input: body size limits, then a depth/size/NUL check of every input before validation.
  useBodyParsers(app);
  app.useLogger(app.get(Logger));
  // Nest flushes its start-up buffer only in listen(); a worker never listens, so flush here.
  app.flushLogs();
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      // Retry links in e-mails: {PUBLIC_URL}/admin/retry?token=…
      { path: 'admin/retry', method: RequestMethod.GET },
      { path: 'admin/retry', method: RequestMethod.POST },
      // Operations: Prometheus scrapes /metrics; Bull Board answers under /admin/queues.
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'admin/queues', method: RequestMethod.ALL },
      { path: 'admin/queues/{*path}', method: RequestMethod.ALL },
      // Public pages: their exact route strings (escaped ':'), so no API route with the same shape leaves /api.
      ...Object.values(PAGE_ROUTES).map((path) => ({ path: path.replace(/:/g, '\\:'), method: RequestMethod.GET })),
    ],
  });
  // Operations: the client address behind a trusted proxy, and request timings by route.
  app.set('trust proxy', config.trustProxy);
  app.use(app.get(PodiumMetrics).httpMiddleware());
  app.useGlobalPipes(new InputShapePipe({ maxDepth: config.requestMaxDepth, maxValues: config.requestMaxValues }), createValidationPipe());
  (app.getHttpAdapter().getInstance() as { disable(name: string): void }).disable('x-powered-by');
  // HTTP edge: security headers, request time limits, docs only where wanted.
  // Signals are handled in main.ts, which logs the shutdown and exits 0.
  app.use(securityHeaders(config));
  applyServerTimeouts(app.getHttpServer(), config);
  // A worker-only process never listens: the OpenAPI document (every route's schema, held for the
  // process's life) would only take its memory (BENCHMARKS.md, issue 16, target 2, round four).
  if (config.apiDocs && servesHttp(config)) setUpOpenApi(app);
  warnAboutDevelopmentDefaults(config);
  return app;
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Podium')
      .setDescription('Race-series leaderboards kept in step with results. Writes and admin reads need `Authorization: Bearer <admin key>`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

function warnAboutDevelopmentDefaults(config: AppConfig): void {
  const logger = new NestLogger('Config');
  if (config.adminApiKeys.length === 0) {
    logger.warn('ADMIN_API_KEYS is empty: every write and admin read will answer 401 until a key is configured');
  }
  if (config.retryLinkSecret === DEVELOPMENT_RETRY_SECRET) {
    logger.warn('RETRY_LINK_SECRET is not set: using the development secret (never do this in production)');
  }
}
