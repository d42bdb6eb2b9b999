import { INestApplication } from '@nestjs/common';
import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

const PRODUCTION = { NODE_ENV: 'production', RETRY_LINK_SECRET: 'r'.repeat(40) };

/** The raw answer on a socket (status line and all), and how long until the server closed it. */
interface RawAnswer {
  text: string;
  closedAfterMs: number;
}

async function listen(app: INestApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

/** Sends `head`, then `body` one byte every `everyMs`, and reads until the server closes (or the deadline passes). */
async function trickle(port: number, head: string, body: string, everyMs: number, deadlineMs: number): Promise<RawAnswer> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(head);
  const sender = (async () => {
    for (const byte of body) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      if (socket.destroyed || socket.writableEnded || text) return;
      socket.write(byte);
    }
  })();
  const closed = once(socket, 'close').then(() => Date.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), deadlineMs)));
  const closedAfterMs = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  socket.destroy();
  await sender;
  return { text, closedAfterMs };
}

const postHead = (length: number) =>
  `POST /api/series HTTP/1.1\r\nHost: podium.test\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;

describe('the HTTP edge: security headers, docs, slow clients', () => {
  describe('development defaults (plain HTTP)', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '700' });
      port = await listen(t.app);
    });
    afterAll(() => t?.close());

    it('sends nosniff, a self-only script policy, frame-ancestors self and no HSTS', async () => {
      const res = await t.http().get('/health').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('serves Swagger UI at /api/docs within that policy: no inline script, every asset same-origin and served', async () => {
      const page = await t.http().get('/api/docs').expect(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self';");
      const html = page.text;
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, inline] of scripts) {
        expect(attributes).toMatch(/src=/); // an inline script would be blocked by script-src 'self'
        expect(inline.trim()).toBe('');
      }
      const assets = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]);
      expect(assets.some((a) => a.endsWith('swagger-ui-init.js'))).toBe(true);
      for (const asset of assets) {
        const url = new URL(asset, 'http://podium.test/api/docs/');
        expect(url.origin).toBe('http://podium.test');
        const res = await t.http().get(url.pathname);
        expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      }
      await t.http().get('/api/docs-json').expect(200);
    });

    it('answers 408 and closes a connection whose body trickles in past HTTP_REQUEST_TIMEOUT_MS', async () => {
      const body = JSON.stringify({ name: 'Slow Cup', customLabels: {} });
      const answer = await trickle(port, postHead(body.length), body, 200, 10_000);
      expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
      expect(answer.closedAfterMs).toBeGreaterThanOrEqual(1_000);
      expect(answer.closedAfterMs).toBeLessThan(4_000);
    });

    it('closes a connection whose headers trickle in past HTTP_HEADERS_TIMEOUT_MS', async () => {
      const answer = await trickle(port, 'GET /api/leaderboards HTTP/1.1\r\nHost: podium.test\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 100, 10_000);
      expect(answer.closedAfterMs).toBeLessThan(3_000);
      expect(answer.text).not.toMatch(/^HTTP\/1\.1 200/);
    });

    it('still takes a body that arrives slowly but within the limit', async () => {
      const body = JSON.stringify({ name: 'Steady' });
      const answer = await trickle(port, postHead(body.length), body, 40, 10_000);
      expect(answer.text).toMatch(/^HTTP\/1\.1 201/);
    });
  });

  describe('production behind TLS, embeddable by a club site', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ ...PRODUCTION, PUBLIC_URL: 'https://podium.example', FRAME_ANCESTORS: 'self,https://club.example' });
    });
    afterAll(() => t?.close());

    it('does not serve the API docs by default', async () => {
      await t.http().get('/api/docs').expect(404);
      await t.http().get('/api/docs-json').expect(404);
    });

    it('sends HSTS, upgrade-insecure-requests and the configured frame-ancestors (without the contradicting X-Frame-Options)', async () => {
      const res = await t.http().get('/health').expect(200);
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+$/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'self' https://club.example");
      expect(csp).toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBeUndefined();
    });
  });

  it('API_DOCS=true serves the docs in production', async () => {
    const t = await startTestApp({ ...PRODUCTION, API_DOCS: 'true' });
    try {
      await t.http().get('/api/docs').expect(200);
    } finally {
      await t.close();
    }
  });
});
