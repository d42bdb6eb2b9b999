import { hostname } from 'node:os';
import pino, { DestinationStream, Logger } from 'pino';
import { AppConfig, LogFormat } from '../../config/config';

/** Redacted wherever they appear in a log line: keys and tokens never reach the logs. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.query.token', 'req.body.token'];

/** One logger per configuration, shared by main.ts's own lines and the Nest/pino-http logger. */
const loggers = new WeakMap<AppConfig, Logger>();

/**
 * The process's pino logger. It writes synchronously to stdout, so nothing waits in a buffer:
 * a worker's lines appear as they happen, and the last ones before exit are not lost.
 */
export function rootLogger(config: AppConfig): Logger {
  let logger = loggers.get(config);
  if (!logger) {
    logger = pino(
      {
        level: config.logLevel,
        redact: { paths: REDACT, censor: '[redacted]' },
        base: { pid: process.pid, hostname: hostname(), role: config.appRole },
      },
      destination(resolveLogFormat(config.logFormat, config.nodeEnv, Boolean(process.stdout.isTTY))),
    );
    loggers.set(config, logger);
  }
  return logger;
}

/** Pretty only for a person at a development terminal; machines (production, pipes, CI) get JSON. */
export function resolveLogFormat(format: LogFormat, nodeEnv: string, stdoutIsTty: boolean): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return nodeEnv === 'development' && stdoutIsTty ? 'pretty' : 'json';
}

function destination(format: 'pretty' | 'json'): DestinationStream {
  if (format === 'pretty') {
    const pretty = loadPinoPretty();
    if (pretty) {
      return pretty({
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        messageFormat: '{if context}[{context}] {end}{msg}',
        ignore: 'pid,hostname,role,context',
      });
    }
  }
  return pino.destination({ dest: 1, sync: true });
}

/** pino-pretty is a devDependency: an install without it (npm ci --omit=dev) logs JSON instead of failing. */
function loadPinoPretty(): ((options: object) => DestinationStream) | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('pino-pretty') as { build: (options: object) => DestinationStream }).build;
  } catch {
    process.stderr.write('LOG_FORMAT=pretty needs pino-pretty (a devDependency); logging JSON instead\n');
    return null;
  }
}
