import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has the defaults DESIGN.md gives: 60 s debounce, 5 min max wait, local services', () => {
    const config = loadConfig({});
    expect(config.recalcDebounceMs).toBe(60_000);
    expect(config.recalcMaxWaitMs).toBe(300_000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/podium');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.appRole).toBe('all');
    expect(config.smtpUrl).toBeNull();
  });

  it('has the import limits the docs give: 10 MB, 100 000 rows, 500 ZIP parts, 100 MB unpacked', () => {
    const config = loadConfig({});
    expect(config.importMaxBytes).toBe(10 * 1024 * 1024);
    expect(config.importMaxRows).toBe(100_000);
    expect(config.importMaxZipEntries).toBe(500);
    expect(config.importMaxUncompressedBytes).toBe(100 * 1024 * 1024);
  });

  it('names every bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', RECALC_DEBOUNCE_MS: '-5', APP_ROLE: 'boss', DATABASE_URL: 'mysql://x/y', ADMIN_EMAILS: 'not-an-email' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    for (const name of ['PORT', 'RECALC_DEBOUNCE_MS', 'APP_ROLE', 'DATABASE_URL', 'ADMIN_EMAILS']) expect(text).toContain(name);
  });

  it('refuses to start in production without admin keys or a retry-link secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_API_KEYS is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_API_KEYS: 'k'.repeat(32) })).toThrow(/RETRY_LINK_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_API_KEYS: 'k'.repeat(32), RETRY_LINK_SECRET: 's'.repeat(32) }).nodeEnv).toBe('production');
  });

  it('rejects short admin keys and a max wait shorter than the debounce', () => {
    expect(() => loadConfig({ ADMIN_API_KEYS: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadConfig({ RECALC_DEBOUNCE_MS: '1000', RECALC_MAX_WAIT_MS: '500' })).toThrow(/RECALC_MAX_WAIT_MS/);
  });

  it('splits lists and trims the public URL', () => {
    const config = loadConfig({ ADMIN_API_KEYS: 'a'.repeat(16) + ', ' + 'b'.repeat(16), ADMIN_EMAILS: 'x@y.org,z@y.org', PUBLIC_URL: 'https://podium.example/' });
    expect(config.adminApiKeys.map((key) => key.name)).toEqual(['key#1', 'key#2']);
    expect(config.adminEmails).toEqual(['x@y.org', 'z@y.org']);
    expect(config.publicUrl).toBe('https://podium.example');
  });

  it('reads named admin keys as name:key and names bare keys by position, never by the key', () => {
    const config = loadConfig({ ADMIN_API_KEYS: `alice:${'a'.repeat(16)}, ${'b'.repeat(16)}, results.desk@club.org:${'c'.repeat(20)}` });
    expect(config.adminApiKeys).toEqual([
      { name: 'alice', secret: 'a'.repeat(16) },
      { name: 'key#2', secret: 'b'.repeat(16) },
      { name: 'results.desk@club.org', secret: 'c'.repeat(20) },
    ]);
    expect(() => loadConfig({ ADMIN_API_KEYS: `alice:${'a'.repeat(16)},alice:${'b'.repeat(16)}` })).toThrow(/"alice" is given to more than one key/);
    expect(() => loadConfig({ ADMIN_API_KEYS: 'bob:short' })).toThrow(/at least 16 characters/);
  });

  // Hostile input limits.
  it('limits request nesting to 32 levels and 200 000 values unless told otherwise, within sane bounds', () => {
    expect(loadConfig({})).toMatchObject({ requestMaxDepth: 32, requestMaxValues: 200_000 });
    expect(loadConfig({ REQUEST_MAX_DEPTH: '64', REQUEST_MAX_VALUES: '500000' })).toMatchObject({ requestMaxDepth: 64, requestMaxValues: 500_000 });
    expect(() => loadConfig({ REQUEST_MAX_DEPTH: '5000' })).toThrow(/REQUEST_MAX_DEPTH must be between 4 and 500/);
    expect(() => loadConfig({ REQUEST_MAX_VALUES: '10' })).toThrow(/REQUEST_MAX_VALUES must be between 1000/);
  });

  // --- database outages and housekeeping ---
  it('waits 5 s for a database connection and keeps history 90 days by default', () => {
    const config = loadConfig({});
    expect(config.databaseConnectTimeoutMs).toBe(5_000);
    expect([config.retentionRunsDays, config.retentionNotificationsDays, config.retentionRetryTokensDays]).toEqual([90, 90, 90]);
    expect(config.retentionIntervalMs).toBe(3_600_000);
    expect(config.retentionBatchSize).toBe(1_000);
  });

  it('RETENTION_DAYS sets every kind; a kind\'s own variable overrides it; 0 keeps everything', () => {
    const config = loadConfig({ RETENTION_DAYS: '30', RETENTION_RUNS_DAYS: '0' });
    expect([config.retentionRunsDays, config.retentionNotificationsDays, config.retentionRetryTokensDays]).toEqual([0, 30, 30]);
  });

  it('keeps the audit log by default, whatever RETENTION_DAYS says; AUDIT_RETENTION_DAYS sets its own', () => {
    expect(loadConfig({ RETENTION_DAYS: '30' }).auditRetentionDays).toBe(0);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '400' }).auditRetentionDays).toBe(400);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: 'a year' })).toThrow(/AUDIT_RETENTION_DAYS must be a whole number/);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '40000' })).toThrow(/AUDIT_RETENTION_DAYS must be between 0 and 36500/);
  });

  it('names bad retention and timeout values', () => {
    expect(() => loadConfig({ RETENTION_DAYS: '-1' })).toThrow(/RETENTION_DAYS must be a whole number/);
    expect(() => loadConfig({ RETENTION_NOTIFICATIONS_DAYS: '99999' })).toThrow(/RETENTION_NOTIFICATIONS_DAYS must be between 0 and 36500/);
    expect(() => loadConfig({ RETENTION_BATCH_SIZE: '0' })).toThrow(/RETENTION_BATCH_SIZE/);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '10' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS must be between 100/);
  });

  describe('operations settings', () => {
    it('trusts no proxy and opens no worker metrics port by default', () => {
      const config = loadConfig({});
      expect(config.trustProxy).toBe(false);
      expect(config.metricsPort).toBeNull();
    });

    it('reads TRUST_PROXY as a hop count or a list of addresses, ranges and names', () => {
      expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
      expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1', 'fd00::/8']);
    });

    it('rejects a TRUST_PROXY that is not an address (true is refused: anyone could forge their address)', () => {
      for (const bad of ['true', 'proxy.example', '10.0.0.0/33', '1.2.3']) {
        expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY must be false, a hop count/);
      }
    });

    it('validates METRICS_PORT', () => {
      expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
      expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT must be between 0 and 65535/);
    });
  });

  describe('start-up, logging and the HTTP edge', () => {
    const production = { NODE_ENV: 'production', ADMIN_API_KEYS: 'k'.repeat(32), RETRY_LINK_SECRET: 's'.repeat(32) };

    it('defaults: auto log format, docs on outside production only, frames from self, 60 s / 15 s request limits', () => {
      const config = loadConfig({});
      expect(config.logFormat).toBe('auto');
      expect(config.apiDocs).toBe(true);
      expect(config.frameAncestors).toEqual(["'self'"]);
      expect(config.httpRequestTimeoutMs).toBe(60_000);
      expect(config.httpHeadersTimeoutMs).toBe(15_000);
      expect(loadConfig(production).apiDocs).toBe(false);
      expect(loadConfig({ ...production, API_DOCS: 'true' }).apiDocs).toBe(true);
      expect(loadConfig({ API_DOCS: '0' }).apiDocs).toBe(false);
    });

    it('takes a list of frame ancestors and refuses what is not a source', () => {
      expect(loadConfig({ FRAME_ANCESTORS: "self, https://club.example, https://*.league.example:8443" }).frameAncestors).toEqual([
        "'self'",
        'https://club.example',
        'https://*.league.example:8443',
      ]);
      expect(loadConfig({ FRAME_ANCESTORS: "'none'" }).frameAncestors).toEqual(["'none'"]);
      expect(() => loadConfig({ FRAME_ANCESTORS: 'myself' })).toThrow(/FRAME_ANCESTORS: "myself"/);
      expect(() => loadConfig({ FRAME_ANCESTORS: 'https://club.example/page' })).toThrow(/FRAME_ANCESTORS/);
      expect(() => loadConfig({ FRAME_ANCESTORS: "'none',https://club.example" })).toThrow(/'none' cannot be combined/);
    });

    it('names bad log formats, booleans and timeouts', () => {
      expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be one of auto, pretty, json/);
      expect(() => loadConfig({ API_DOCS: 'yes please' })).toThrow(/API_DOCS must be true or false/);
      expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '10' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS must be between/);
      expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS must not exceed/);
    });
  });

  // Redis outages (queue hardening).
  it('reconnects to Redis within 1 s and gives up a request\'s Redis command after 500 ms by default; both bounded', () => {
    const config = loadConfig({});
    expect(config.redisReconnectMaxMs).toBe(1_000);
    expect(config.redisCommandTimeoutMs).toBe(500);
    expect(loadConfig({ REDIS_RECONNECT_MAX_MS: '250', REDIS_COMMAND_TIMEOUT_MS: '2000' })).toMatchObject({ redisReconnectMaxMs: 250, redisCommandTimeoutMs: 2_000 });
    expect(() => loadConfig({ REDIS_RECONNECT_MAX_MS: '0' })).toThrow(/REDIS_RECONNECT_MAX_MS must be between 50 and 60000/);
    expect(() => loadConfig({ REDIS_COMMAND_TIMEOUT_MS: 'soon' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS must be a whole number/);
  });

  // Standings exports (CSV, XLSX).
  it('cuts off an export whose client stalls after 30 s by default; bounded', () => {
    expect(loadConfig({}).exportStallTimeoutMs).toBe(30_000);
    expect(loadConfig({ EXPORT_STALL_TIMEOUT_MS: '500' }).exportStallTimeoutMs).toBe(500);
    expect(() => loadConfig({ EXPORT_STALL_TIMEOUT_MS: '0' })).toThrow(/EXPORT_STALL_TIMEOUT_MS must be between 100 and 600000/);
  });

  // Public pages and live updates.
  it('public pages: Europe/London, 1000 streams, 15 s heartbeats, 500 cached pages by default; a zone Intl does not know is refused', () => {
    expect(loadConfig({})).toMatchObject({ defaultTimeZone: 'Europe/London', sseMaxConnections: 1_000, sseHeartbeatMs: 15_000, pageCacheEntries: 500 });
    expect(loadConfig({ DEFAULT_TIME_ZONE: 'America/New_York', SSE_MAX_CONNECTIONS: '5' })).toMatchObject({ defaultTimeZone: 'America/New_York', sseMaxConnections: 5 });
    expect(() => loadConfig({ DEFAULT_TIME_ZONE: 'Mars/Olympus' })).toThrow(/DEFAULT_TIME_ZONE: "Mars\/Olympus" is not an IANA time zone/);
    expect(() => loadConfig({ SSE_MAX_CONNECTIONS: '0' })).toThrow(/SSE_MAX_CONNECTIONS must be between 1 and 100000/);
    expect(() => loadConfig({ PAGE_CACHE_ENTRIES: 'many' })).toThrow(/PAGE_CACHE_ENTRIES must be a whole number/);
  });
});
