import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AdminKeys } from '../common/auth/admin-keys';
import { APP_CONFIG, AppConfig } from '../config/config';
import { PodiumMetrics } from './podium-metrics';

/**
 * A worker-only process has no HTTP server, yet its run counters and phase timings exist only in
 * its memory: with METRICS_PORT set it serves GET /metrics there, behind the same admin key.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private readonly keys: AdminKeys;
  private server: Server | null = null;

  constructor(
    private readonly metrics: PodiumMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.keys = new AdminKeys(config.adminApiKeys);
  }

  /** The port it listens on (METRICS_PORT=0 picks a free one), or null. */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.appRole !== 'worker' || this.config.metricsPort === null) return;
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort!, '0.0.0.0', () => resolve());
    });
    this.server = server;
    this.logger.log(`Worker metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404).end();
    const key = AdminKeys.fromHeader(req.headers.authorization);
    if (key === null || !this.keys.matches(key)) return void res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
    try {
      const body = await this.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(body);
    } catch (err) {
      this.logger.error({ err }, 'Metrics scrape failed');
      res.writeHead(500).end();
    }
  }
}
