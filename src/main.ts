import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from './config/config';
import { createPodiumApp } from './bootstrap';
import { rootLogger } from './common/logging/root-logger';
import { listeningLine, readyLine, servesHttp, startingLine } from './common/logging/startup-lines';

/** Set once the configuration is valid: from then on, even a failed start is a log line. */
let log: Logger | undefined;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  log = rootLogger(config).child({ context: 'Podium' });
  log.info(startingLine(config));
  const app = await createPodiumApp(config);
  if (servesHttp(config)) {
    await app.listen(config.port, '0.0.0.0');
    const { address, port } = app.getHttpServer().address() as AddressInfo;
    log.info(listeningLine(address, port, config));
  } else {
    await app.init();
  }
  closeOnSignals(app, log);
  log.info(readyLine(config));
}

/**
 * SIGTERM/SIGINT close the app (active recalculations finish and commit first) and exit 0, so
 * an orchestrator sees a clean stop; a second signal exits at once.
 */
function closeOnSignals(app: INestApplication, log: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ signal }, `${signal} again: exiting without waiting for shutdown to finish`);
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, `${signal} received: shutting down, letting active runs finish`);
    app.close().then(
      () => {
        log.info('Shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((err) => {
  if (log) log.fatal({ err }, 'Podium failed to start');
  else process.stderr.write(`Podium failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
