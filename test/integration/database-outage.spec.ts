import { createServer, Server, Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/common/errors/database-unavailable';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { PrivatePostgres } from '../support/private-postgres';
import { AUTH, eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

/**
 * PostgreSQL going down under a running app, on a private cluster made for this file (the
 * shared server is never touched): requests answer 503 with Retry-After, promptly, and the
 * app recovers by itself when the database is back.
 */
describe('PostgreSQL outage', () => {
  let pg: PrivatePostgres;
  let t: TestApp;
  let seriesId: number;

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    const sandbox = newSandbox();
    sandbox.env.DATABASE_URL = pg.url;
    sandbox.env.DATABASE_CONNECT_TIMEOUT_MS = '2000';
    t = await startTestApp({}, sandbox);
    seriesId = (await t.http().post('/api/series').set(AUTH).send({ name: 'Outage Cup' }).expect(201)).body.id;
  }, 60_000);

  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      pg?.destroy();
    }
  });

  it('answers 503 with Retry-After for reads and writes while it is down, then recovers', async () => {
    pg.stop();

    const started = Date.now();
    const read = await t.http().get(`/api/series/${seriesId}`);
    expect(read.status).toBe(503);
    expect(read.headers['retry-after']).toBe('5');
    expect(read.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(read.body.message).toMatch(/database is unavailable/);

    const write = await t.http().post('/api/series').set(AUTH).send({ name: 'During the outage' });
    expect(write.status).toBe(503);
    expect(write.headers['retry-after']).toBe('5');
    // Refused connections fail at once; even a hanging one is cut at the connect timeout.
    expect(Date.now() - started).toBeLessThan(5_000);

    pg.start();
    await eventually(async () => (await t.http().get(`/api/series/${seriesId}`)).status === 200, 20_000, 200);
    await t.http().post('/api/series').set(AUTH).send({ name: 'After the outage' }).expect(201);
  }, 60_000);
});

describe('a PostgreSQL that accepts connections but never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket)); // accepts, then stays silent
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the connection at the connect timeout, as an outage (503), instead of hanging', async () => {
    const { port } = server.address() as { port: number };
    const dataSource = new DataSource(dataSourceOptions(`postgres://postgres@127.0.0.1:${port}/none`, 300));
    const started = Date.now();
    const error = await dataSource.initialize().then(() => null, (err: unknown) => err);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});
