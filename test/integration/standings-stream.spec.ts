import { EventEmitter2 } from '@nestjs/event-emitter';
import { request as httpRequest } from 'node:http';
import { StandingsChangedEvent } from '../../src/common/events/catalogue';
import { StandingsStreams } from '../../src/leaderboards/standings/standings-streams';
import { Fixtures, rider } from '../support/fixtures';
import { listening, openSse, SseClient } from '../support/sse';
import { settled, standingsState } from '../support/sync';
import { eventually, startTestApp, TestApp } from '../support/test-app';

/** GET /api/leaderboards/:id/standings/stream: heartbeats, Last-Event-ID, a bound on connections, no listener per client. */
describe('standings live-update stream', () => {
  let t: TestApp;
  let fx: Fixtures;
  let port: number;
  let boardId: number;
  let setId: number;
  const MAX = 300;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '500', RECALC_SWEEP_INTERVAL_MS: '250', SSE_HEARTBEAT_MS: '200', SSE_MAX_CONNECTIONS: String(MAX) });
    fx = new Fixtures(t);
    port = await listening(t);
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    boardId = await fx.leaderboard({ seriesId, name: 'Live', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Live'] });
    setId = await fx.resultSet(await fx.event(seriesId), 'Live');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
    await settled(t, boardId);
  });
  afterAll(() => t?.close());

  const path = () => `/api/leaderboards/${boardId}/standings/stream`;

  it('sends heartbeats, and a standings event with the new version when the standings change', async () => {
    const client = openSse(port, path(), {});
    try {
      await client.connected;
      await eventually(async () => client.received.includes(': heartbeat'));
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await eventually(async () => client.received.includes('event: standings'));
      const head = (await standingsState(t, boardId))!;
      expect(client.received).toMatch(new RegExp(`id: ${head.id}\\.\\d+\\nevent: standings\\ndata: \\{"leaderboardId":${boardId},`));
    } finally {
      client.close();
    }
  });

  it('a reconnect with an old Last-Event-ID hears at once of the change it missed; with the current one, nothing', async () => {
    const current = await versionId();
    const upToDate = openSse(port, path(), { 'Last-Event-ID': current });
    const behind = openSse(port, path(), { 'Last-Event-ID': '1.1' });
    const since = openSse(port, `${path()}?since=1.1`, {});
    try {
      await Promise.all([upToDate.connected, behind.connected, since.connected]);
      await eventually(async () => behind.received.includes(`id: ${current}\nevent: standings`) && since.received.includes(`id: ${current}\nevent: standings`));
      await eventually(async () => upToDate.received.includes(': heartbeat'));
      expect(upToDate.received).not.toContain('event: standings');
    } finally {
      for (const c of [upToDate, behind, since]) c.close();
    }
  });

  it(`holds up to SSE_MAX_CONNECTIONS streams with one bus listener, answers 503 past them, and leaks nothing when they go`, async () => {
    const bus = t.app.get(EventEmitter2);
    const streams = t.app.get(StandingsStreams);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    await eventually(async () => streams.size === 0);
    // The event bridge's own listener; the shared stream's comes and goes with its clients.
    const baseline = bus.listeners(StandingsChangedEvent.eventName).length;
    const clients: SseClient[] = [];
    try {
      for (let i = 0; i < MAX; i++) clients.push(openSse(port, path(), {}));
      await Promise.all(clients.map((c) => c.connected));
      await eventually(async () => streams.size === MAX);
      expect(bus.listeners(StandingsChangedEvent.eventName).length).toBe(baseline + 1);

      const refused = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: path(), agent: false }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] });
        }).on('error', reject).end();
      });
      expect(refused).toEqual({ status: 503, retryAfter: '10' });

      await fx.replaceRows(setId, [rider('Cy', 'Diaz', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      await eventually(async () => clients.every((c) => c.received.includes('event: standings')), 20_000);
    } finally {
      for (const c of clients) c.close();
      process.off('warning', onWarning);
    }
    await eventually(async () => streams.size === 0);
    await eventually(async () => bus.listeners(StandingsChangedEvent.eventName).length === baseline);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning' || /MaxListeners/.test(w.message))).toEqual([]);
  });

  it('approving the standings is announced too (the page loses its provisional banner)', async () => {
    const client = openSse(port, path(), {});
    try {
      await client.connected;
      const head = (await standingsState(t, boardId))!;
      await fx.transition(head.id, 'APPROVED');
      await eventually(async () => client.received.includes(`id: ${await versionId()}\nevent: standings`));
    } finally {
      client.close();
    }
  });

  it('while a DRAFT revision of approved standings is worked on, its runs are announced to admins only; its publication to everyone', async () => {
    const seriesId = await fx.series();
    const scaleId = await fx.scale({ name: 'Top 2', kind: 'TABLE', table: [10, 6] });
    const revised = await fx.leaderboard({ seriesId, name: 'Revised', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Rev'] });
    const raceId = await fx.resultSet(await fx.event(seriesId), 'Rev');
    await fx.replaceRows(raceId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    await settled(t, revised);
    const approvedId = (await standingsState(t, revised))!.id;
    await fx.transition(approvedId, 'APPROVED');
    const streamOf = (since: string) => `/api/leaderboards/${revised}/standings/stream?since=${since}`;
    const anonymous = openSse(port, streamOf(await boardVersion(revised)), {});
    const admin = openSse(port, streamOf(await boardVersion(revised)));
    const announced = (client: SseClient) => client.received.match(/event: standings/g)?.length ?? 0;
    const heartbeatsLater = async (client: SseClient) => {
      const seen = client.received.match(/: heartbeat/g)?.length ?? 0;
      await eventually(async () => (client.received.match(/: heartbeat/g)?.length ?? 0) > seen);
    };
    try {
      await Promise.all([anonymous.connected, admin.connected]);
      // A late fix: the worker writes a DRAFT revision (a set of its own); the approved set, now
      // REPLACED, is what the public keeps seeing (its row changed: announced at most once).
      await fx.replaceRows(raceId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await settled(t, revised);
      const draft = (await standingsState(t, revised))!;
      expect(draft.state).toBe('-'); // DRAFT, as result_set.state stores it
      await eventually(async () => admin.received.includes(`id: ${await boardVersion(revised)}\nevent: standings`));
      await heartbeatsLater(anonymous);
      expect(anonymous.received).not.toContain(`id: ${draft.id}.`);
      expect(announced(anonymous)).toBeLessThanOrEqual(1);

      // Another fix: one more run of the DRAFT; only admins hear of it.
      const before = announced(anonymous);
      await fx.replaceRows(raceId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 }), rider('Cy', 'Diaz', { position: 3 })]);
      await settled(t, revised);
      await eventually(async () => admin.received.includes(`id: ${await boardVersion(revised)}\nevent: standings`));
      await heartbeatsLater(anonymous);
      expect(announced(anonymous)).toBe(before);
      // A public page opened now, rendered from the approved standings, hears nothing either.
      const late = openSse(port, streamOf(await setVersion(approvedId)), {});
      try {
        await late.connected;
        await heartbeatsLater(late);
        expect(late.received).not.toContain('event: standings');
      } finally {
        late.close();
      }

      await fx.transition(draft.id, 'APPROVED');
      const published = await boardVersion(revised);
      await eventually(async () => anonymous.received.includes(`id: ${published}\nevent: standings`) && admin.received.includes(`id: ${published}\nevent: standings`));
    } finally {
      anonymous.close();
      admin.close();
    }
  });

  it('is 404 for a board without published standings, like the standings themselves', async () => {
    const res = await t.http().get('/api/leaderboards/999999/standings/stream');
    expect(res.status).toBe(404);
  });

  function versionId(): Promise<string> {
    return boardVersion(boardId);
  }

  /** The version of the board's live standings set (the one not REPLACED), as streams name it. */
  async function boardVersion(id: number): Promise<string> {
    const [row] = await t.db.query(`SELECT id FROM result_set WHERE leaderboard_id = $1 AND state <> 'R'`, [id]);
    return setVersion(row.id);
  }

  async function setVersion(resultSetId: number): Promise<string> {
    const [row] = await t.db.query(`SELECT (extract(epoch FROM updated_at) * 1000000)::bigint AS v FROM result_set WHERE id = $1`, [resultSetId]);
    return `${resultSetId}.${row.v}`;
  }
});
