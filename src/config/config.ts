import { isIP } from 'node:net';
/**
 * The app's configuration: read once from the environment at start, validated, and frozen
 * into a typed object. A bad value stops the app with a message that names the variable.
 */
export type AppRole = 'all' | 'api' | 'worker';
/** auto: pretty on a development terminal, JSON everywhere else (production, pipes, CI). */
export type LogFormat = 'auto' | 'pretty' | 'json';

/** One admin key and who holds it. The secret is never logged; the name is the audit log's actor. */
export interface AdminKeyEntry {
  name: string;
  secret: string;
}

export interface AppConfig {
  nodeEnv: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key Podium writes (BullMQ queues); lets deployments and tests share one Redis. */
  redisPrefix: string;
  port: number;
  /** Admin keys with the name the audit log gives their holder (`name:key`, or `key#N` by position). */
  adminApiKeys: AdminKeyEntry[];
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
  /** Hostile input: levels of nesting and values allowed in one request body, query or parameter. */
  requestMaxDepth: number;
  requestMaxValues: number;
  // --- database outages and housekeeping ---
  /** Longest a request waits for a PostgreSQL connection (new or from the pool) before a 503. */
  databaseConnectTimeoutMs: number;
  /** Days kept of finished runs; of closed failure episodes and their notifications; of used or expired retry links. 0 = keep. */
  retentionRunsDays: number;
  retentionNotificationsDays: number;
  retentionRetryTokensDays: number;
  /** How often the retention job is scheduled, and how many rows each delete statement takes. */
  retentionIntervalMs: number;
  retentionBatchSize: number;
  /** Days of audit log kept (0 = keep forever, the default: who changed a result may be asked years later). */
  auditRetentionDays: number;
  // Operations (metrics, proxies)
  /** Express `trust proxy`: false, a hop count, or addresses/ranges whose X-Forwarded-For is believed. */
  trustProxy: TrustProxy;
  /** Port of the metrics endpoint of a worker-only process (which has no HTTP server); null: none. */
  metricsPort: number | null;
  // Start-up, logging and the HTTP edge.
  logFormat: LogFormat;
  /** Swagger UI at /api/docs and the OpenAPI JSON at /api/docs-json. */
  apiDocs: boolean;
  /** CSP frame-ancestors sources: who may embed Podium's pages in a frame. */
  frameAncestors: string[];
  /** Longest time a client may take to send a whole request (headers and body); Node answers 408 after it. */
  httpRequestTimeoutMs: number;
  /** Longest time a client may take to send the request headers. */
  httpHeadersTimeoutMs: number;
  // Redis outages (queue hardening).
  /** Longest wait between reconnect attempts to Redis, so Podium notices its return quickly. */
  redisReconnectMaxMs: number;
  /** How long a request's Redis command (an enqueue, a health ping) may take before it is given up. */
  redisCommandTimeoutMs: number;
  // Standings exports (CSV, XLSX).
  /** An export whose client reads nothing for this long is cut off, freeing its database connection. */
  exportStallTimeoutMs: number;
  // Public pages and live updates.
  /** IANA time zone of series created without one (times on the public pages are shown in it). */
  defaultTimeZone: string;
  /** Most open live-update (SSE) connections per API process; more answer 503. */
  sseMaxConnections: number;
  /** How often an idle live-update stream sends a heartbeat comment, so proxies keep it open. */
  sseHeartbeatMs: number;
  /** Rendered pages and JSON standings kept in memory per process (least recently used go first). */
  pageCacheEntries: number;
}

/** What Express's `trust proxy` accepts, minus `true` (believing any client's X-Forwarded-For). */
export type TrustProxy = false | number | string[];

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

  /** false, a hop count, or a list of IP addresses, CIDR ranges and Express's names (loopback, linklocal, uniquelocal). */
  trustProxy(name: string): TrustProxy {
    const value = this.raw(name);
    if (value === undefined || value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = entries.filter((entry) => !isProxyAddress(entry));
    if (bad.length > 0 || entries.length === 0) {
      this.problems.push(
        `${name} must be false, a hop count, or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal; got "${value}"`,
      );
      return false;
    }
    return entries;
  }

  optionalInteger(name: string, min: number, max: number): number | null {
    return this.raw(name) === undefined ? null : this.integer(name, 0, min, max);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return fallback;
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

/** RETENTION_DAYS is the default of each kind's own variable. */
function retention(read: EnvReader) {
  const days = read.integer('RETENTION_DAYS', 90, 0, 36_500);
  return {
    retentionRunsDays: read.integer('RETENTION_RUNS_DAYS', days, 0, 36_500),
    retentionNotificationsDays: read.integer('RETENTION_NOTIFICATIONS_DAYS', days, 0, 36_500),
    retentionRetryTokensDays: read.integer('RETENTION_RETRY_TOKENS_DAYS', days, 0, 36_500),
    retentionIntervalMs: read.integer('RETENTION_INTERVAL_MS', 3_600_000, 100),
    retentionBatchSize: read.integer('RETENTION_BATCH_SIZE', 1_000, 1, 100_000),
    // Not RETENTION_DAYS's: the audit log is kept unless its own variable says otherwise.
    auditRetentionDays: read.integer('AUDIT_RETENTION_DAYS', 0, 0, 36_500),
  };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** The key .env.example ships for local use; production refuses it. */
export const EXAMPLE_ADMIN_KEY = 'dev-admin-key-change-me';

/** Only outside production: links still work across processes, and the start-up log warns. */
export const DEVELOPMENT_RETRY_SECRET = 'podium-development-retry-secret-do-not-use-in-production';

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+$/;
/** 'self', 'none', or a scheme://host[:port] origin, the host optionally starting with a *. wildcard. */
const FRAME_ANCESTOR = /^(?:'self'|'none'|https?:\/\/(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?)$/i;

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
    adminApiKeys: adminKeyEntries(read),
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
    // Hostile input. Past a few thousand levels the validation pipe's recursion overflows the stack;
    // a full PUT of 10 000 result rows is about 130 000 values.
    requestMaxDepth: read.integer('REQUEST_MAX_DEPTH', 32, 4, 500),
    requestMaxValues: read.integer('REQUEST_MAX_VALUES', 200_000, 1000, 10_000_000),
    // --- database outages and housekeeping ---
    databaseConnectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
    ...retention(read),
    // Operations (metrics, proxies)
    trustProxy: read.trustProxy('TRUST_PROXY'),
    metricsPort: read.optionalInteger('METRICS_PORT', 0, 65535),
    // Start-up, logging and the HTTP edge.
    logFormat: read.oneOf<LogFormat>('LOG_FORMAT', 'auto', ['auto', 'pretty', 'json']),
    apiDocs: read.boolean('API_DOCS', !production),
    // self/none may come without their CSP quotes: .env files and shells strip quotes.
    frameAncestors: read.list('FRAME_ANCESTORS').map((source) => (/^(self|none)$/i.test(source) ? `'${source.toLowerCase()}'` : source)),
    // 60 s carries a 10 MB import (IMPORT_MAX_BYTES) over a 2 Mbit/s uplink with room to spare (~42 s).
    httpRequestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000),
    httpHeadersTimeoutMs: read.integer('HTTP_HEADERS_TIMEOUT_MS', 15_000, 100, 3_600_000),
    // Redis outages (queue hardening).
    redisReconnectMaxMs: read.integer('REDIS_RECONNECT_MAX_MS', 1_000, 50, 60_000),
    redisCommandTimeoutMs: read.integer('REDIS_COMMAND_TIMEOUT_MS', 500, 50, 10_000),
    // Standings exports (CSV, XLSX).
    exportStallTimeoutMs: read.integer('EXPORT_STALL_TIMEOUT_MS', 30_000, 100, 600_000),
    // Public pages and live updates.
    defaultTimeZone: read.string('DEFAULT_TIME_ZONE', 'Europe/London'),
    sseMaxConnections: read.integer('SSE_MAX_CONNECTIONS', 1_000, 1, 100_000),
    sseHeartbeatMs: read.integer('SSE_HEARTBEAT_MS', 15_000, 50, 600_000),
    pageCacheEntries: read.integer('PAGE_CACHE_ENTRIES', 500, 1, 100_000),
  };
  if (!isTimeZone(config.defaultTimeZone)) {
    read.problems.push(`DEFAULT_TIME_ZONE: "${config.defaultTimeZone}" is not an IANA time zone such as Europe/London`);
  }
  if (config.frameAncestors.length === 0) config.frameAncestors = ["'self'"];
  for (const source of config.frameAncestors) {
    if (!FRAME_ANCESTOR.test(source)) {
      read.problems.push(`FRAME_ANCESTORS: "${source}" is not self, none or an http(s) origin such as https://club.example`);
    }
  }
  if (config.frameAncestors.includes("'none'") && config.frameAncestors.length > 1) {
    read.problems.push("FRAME_ANCESTORS: 'none' cannot be combined with other sources");
  }
  if (config.httpHeadersTimeoutMs > config.httpRequestTimeoutMs) {
    read.problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }

  if (config.smtpUrl) read.url('SMTP_URL', config.smtpUrl, ['smtp:', 'smtps:']);
  if (config.adminApiKeys.some((key) => key.secret.length < 16)) {
    read.problems.push('ADMIN_API_KEYS: every key must be at least 16 characters');
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
  if (production && config.adminApiKeys.some((key) => key.secret === EXAMPLE_ADMIN_KEY)) {
    read.problems.push('ADMIN_API_KEYS still holds the example key from .env.example; set your own');
  }
  if (production && config.retryLinkSecret.length < 32) {
    read.problems.push('RETRY_LINK_SECRET must be at least 32 characters when NODE_ENV=production');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze(config);
}

/** A key's holder: letters, digits and . _ @ - (an e-mail address works), at most 64 characters. */
const KEY_HOLDER = /^([A-Za-z0-9][A-Za-z0-9._@-]{0,63}):(.+)$/;

/**
 * ADMIN_API_KEYS entries are `name:key` or a bare key. A bare key is named `key#N` by its position
 * (1-based), so the audit log can tell keys apart without ever recording one. A bare key that
 * itself contains ':' after a name-like prefix reads as named: such keys must be given a name.
 */
function adminKeyEntries(read: EnvReader): AdminKeyEntry[] {
  const entries = read.list('ADMIN_API_KEYS').map((entry, index): AdminKeyEntry => {
    const named = KEY_HOLDER.exec(entry);
    return named ? { name: named[1], secret: named[2] } : { name: `key#${index + 1}`, secret: entry };
  });
  const names = entries.map((entry) => entry.name);
  for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index))) {
    read.problems.push(`ADMIN_API_KEYS: the name "${name}" is given to more than one key (the audit log could not tell them apart)`);
  }
  return entries;
}

/** An IANA zone name Intl knows (Europe/London, UTC, America/New_York). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
