/**
 * The app's configuration: read once from the environment at start, validated, and frozen
 * into a typed object. A bad value stops the app with a message that names the variable.
 */
export type AppRole = 'all' | 'api' | 'worker';

export interface AppConfig {
  nodeEnv: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key Podium writes (BullMQ queues); lets deployments and tests share one Redis. */
  redisPrefix: string;
  port: number;
  adminApiKeys: string[];
  recalcDebounceMs: number;
  recalcMaxWaitMs: number;
  /** How often the sweeper looks for pending boards whose job went missing. */
  sweepIntervalMs: number;
  /** How often failure e-mails are sent. */
  mailIntervalMs: number;
  workerConcurrency: number;
  /** How long a worker's claim on a job lasts without renewal; a killed worker's job is retaken after it. */
  recalcLockDurationMs: number;
  /** How often workers look for jobs whose worker died (stalled jobs). */
  recalcStalledIntervalMs: number;
  smtpUrl: string | null;
  outboxDir: string;
  mailFrom: string;
  adminEmails: string[];
  publicUrl: string;
  retryLinkSecret: string;
  retryLinkTtlMs: number;
  appRole: AppRole;
  logLevel: string;
  importMaxBytes: number;
  importMaxRows: number;
  /** ZIP bomb guards for .xlsx uploads, checked before anything is inflated. */
  importMaxZipEntries: number;
  importMaxUncompressedBytes: number;
  // Redis outages (queue hardening).
  /** Longest wait between reconnect attempts to Redis, so Podium notices its return quickly. */
  redisReconnectMaxMs: number;
  /** How long a request's Redis command (an enqueue, a health ping) may take before it is given up. */
  redisCommandTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Collects every problem before failing, so one start shows all the bad variables at once. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | null {
    return this.raw(name) ?? null;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const value = this.string(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got protocol "${parsed.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value)) {
      this.problems.push(`${name} must be a whole number, got "${value}"`);
      return fallback;
    }
    const parsed = Number(value);
    if (parsed < min || parsed > max) {
      this.problems.push(`${name} must be between ${min} and ${max}, got ${parsed}`);
    }
    return parsed;
  }

  list(name: string): string[] {
    const value = this.raw(name);
    return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name) ?? fallback;
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }
}

/** The key .env.example ships for local use; production refuses it. */
export const EXAMPLE_ADMIN_KEY = 'dev-admin-key-change-me';

/** Only outside production: links still work across processes, and the start-up log warns. */
export const DEVELOPMENT_RETRY_SECRET = 'podium-development-retry-secret-do-not-use-in-production';

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+$/;

export function loadConfig(env: Env = process.env): AppConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';

  const config: AppConfig = {
    nodeEnv,
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/podium', ['postgres:', 'postgresql:']),
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: read.string('REDIS_PREFIX', 'podium'),
    port: read.integer('PORT', 3000, 0, 65535),
    adminApiKeys: read.list('ADMIN_API_KEYS'),
    recalcDebounceMs: read.integer('RECALC_DEBOUNCE_MS', 60_000, 0),
    recalcMaxWaitMs: read.integer('RECALC_MAX_WAIT_MS', 300_000, 0),
    sweepIntervalMs: read.integer('RECALC_SWEEP_INTERVAL_MS', 30_000, 50),
    mailIntervalMs: read.integer('MAIL_INTERVAL_MS', 60_000, 50),
    workerConcurrency: read.integer('WORKER_CONCURRENCY', 2, 1, 64),
    recalcLockDurationMs: read.integer('RECALC_LOCK_DURATION_MS', 30_000, 100),
    recalcStalledIntervalMs: read.integer('RECALC_STALLED_INTERVAL_MS', 30_000, 100),
    smtpUrl: read.optionalString('SMTP_URL'),
    outboxDir: read.string('MAIL_OUTBOX_DIR', 'outbox'),
    mailFrom: read.string('MAIL_FROM', 'Podium <podium@localhost>'),
    adminEmails: read.list('ADMIN_EMAILS'),
    publicUrl: read.url('PUBLIC_URL', 'http://localhost:3000', ['http:', 'https:']).replace(/\/+$/, ''),
    retryLinkSecret: read.string('RETRY_LINK_SECRET', production ? '' : DEVELOPMENT_RETRY_SECRET),
    retryLinkTtlMs: read.integer('RETRY_LINK_TTL_MS', 72 * 3600_000, 1000),
    appRole: read.oneOf<AppRole>('APP_ROLE', 'all', ['all', 'api', 'worker']),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    importMaxBytes: read.integer('IMPORT_MAX_BYTES', 10 * 1024 * 1024, 1024),
    importMaxRows: read.integer('IMPORT_MAX_ROWS', 100_000, 1),
    importMaxZipEntries: read.integer('IMPORT_MAX_ZIP_ENTRIES', 500, 4),
    importMaxUncompressedBytes: read.integer('IMPORT_MAX_UNCOMPRESSED_BYTES', 100 * 1024 * 1024, 1024),
    // Redis outages (queue hardening).
    redisReconnectMaxMs: read.integer('REDIS_RECONNECT_MAX_MS', 1_000, 50, 60_000),
    redisCommandTimeoutMs: read.integer('REDIS_COMMAND_TIMEOUT_MS', 500, 50, 10_000),
  };

  if (config.smtpUrl) read.url('SMTP_URL', config.smtpUrl, ['smtp:', 'smtps:']);
  for (const key of config.adminApiKeys) {
    if (key.length < 16) read.problems.push('ADMIN_API_KEYS: every key must be at least 16 characters');
  }
  for (const email of config.adminEmails) {
    if (!EMAIL.test(email)) read.problems.push(`ADMIN_EMAILS: "${email}" is not an e-mail address`);
  }
  if (config.recalcMaxWaitMs < config.recalcDebounceMs) {
    read.problems.push('RECALC_MAX_WAIT_MS must be at least RECALC_DEBOUNCE_MS');
  }
  if (production && config.adminApiKeys.length === 0) {
    read.problems.push('ADMIN_API_KEYS is required when NODE_ENV=production (no key would leave every write open)');
  }
  if (production && config.adminApiKeys.includes(EXAMPLE_ADMIN_KEY)) {
    read.problems.push('ADMIN_API_KEYS still holds the example key from .env.example; set your own');
  }
  if (production && config.retryLinkSecret.length < 32) {
    read.problems.push('RETRY_LINK_SECRET must be at least 32 characters when NODE_ENV=production');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze(config);
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
