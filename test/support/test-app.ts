import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createPodiumApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/config';

import { destroySandbox, newSandbox, Sandbox } from './sandbox';

export { ADMIN_KEY, AUTH, destroySandbox, newSandbox } from './sandbox';
export type { Sandbox } from './sandbox';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  sandbox: Sandbox;
  http: () => ReturnType<typeof request>;
  db: DataSource;
  close(): Promise<void>;
}

/** Podium as main.ts starts it, on its own database and Redis prefix; HTTP through supertest. */
/**
 * Recalculation within a fraction of a second (debounce 100 ms, capped at 1 s; the sweeper every
 * 200 ms), for tests that wait for standings; the production defaults are checked in config.spec.ts.
 */
export const QUICK_RECALC: Readonly<Record<string, string>> = { RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '200' };

export async function startTestApp(extraEnv: Record<string, string> = {}, sandbox = newSandbox(extraEnv)): Promise<TestApp> {
  const config = loadConfig(sandbox.env);
  const app = await createPodiumApp(config, { bufferLogs: false });
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    config,
    sandbox,
    http: () => request(server),
    db: app.get(DataSource),
    async close() {
      await app.close();
      await destroySandbox(sandbox);
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after the deadline. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
