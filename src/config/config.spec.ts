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
    expect(config.adminApiKeys).toHaveLength(2);
    expect(config.adminEmails).toEqual(['x@y.org', 'z@y.org']);
    expect(config.publicUrl).toBe('https://podium.example');
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
});
