import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createPodiumApp } from './bootstrap';

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
  const app = await createPodiumApp(config);
  if (config.appRole === 'worker') {
    await app.init();
    // Nest flushes the start-up log buffer (bufferLogs) only in listen(); a worker never listens.
    app.flushLogs();
  } else {
    await app.listen(config.port, '0.0.0.0');
  }
}

main().catch((err) => {
  process.stderr.write(`Podium failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
