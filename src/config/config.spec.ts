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
});
