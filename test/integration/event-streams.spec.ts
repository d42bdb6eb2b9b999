import { EventEmitter2 } from '@nestjs/event-emitter';
import { RecalculationFailedEvent } from '../../src/common/events/catalogue';
import { EventBridge } from '../../src/common/events/event-bridge';
import { Fixtures, rider } from '../support/fixtures';
import { listening, openSse } from '../support/sse';
import { FAST_WORKER_TIMING, settled, standingsState } from '../support/sync';
import { eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

const FAILED = RecalculationFailedEvent.eventName;

describe('notification streams', () => {
  describe('many clients in one process', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    it('50 SSE clients share one bus listener: no MaxListenersExceeded warning, all get the event, and leaving releases it', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      const bus = t.app.get(EventEmitter2);
      const baseline = bus.listenerCount(FAILED);
      const port = await listening(t);
      const clients = Array.from({ length: 50 }, () => openSse(port, '/api/notifications/stream'));
      try {
        await Promise.all(clients.map((c) => c.connected));
        expect(bus.listenerCount(FAILED)).toBe(baseline + 1);

        bus.emit(FAILED, new RecalculationFailedEvent(7, 70, 'boom for fifty'));
        await eventually(async () => clients.every((c) => c.received.includes('boom for fifty')));
        for (const c of clients) expect(c.received.match(/event: failure/g)).toHaveLength(1);
      } finally {
        for (const c of clients) c.close();
        process.off('warning', onWarning);
      }
      await eventually(async () => bus.listenerCount(FAILED) === baseline);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning' || /listeners/i.test(w.message))).toEqual([]);
    });
  });

  describe('an API process and a worker process', () => {
    const sandbox = newSandbox(FAST_WORKER_TIMING);
    let api: TestApp;
    let worker: TestApp;

    beforeAll(async () => {
      api = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'api' } });
      worker = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'worker' } });
      await Promise.all([api.app.get(EventBridge).ready, worker.app.get(EventBridge).ready]);
    });
    afterAll(async () => {
      await worker?.app.close();
      await api?.close();
    });

    it("a failure in the worker's run reaches the API's open stream, once in each process", async () => {
      const fx = new Fixtures(api);
      const seriesId = await fx.series();
      const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
      const boardId = await fx.leaderboard({ seriesId, name: 'Split roles', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['S'] });
      const setId = await fx.resultSet(await fx.event(seriesId), 'S');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      await settled(api, boardId);

      const seen = { api: 0, worker: 0 };
      api.app.get(EventEmitter2).on(FAILED, () => (seen.api += 1));
      worker.app.get(EventEmitter2).on(FAILED, () => (seen.worker += 1));
      const stream = openSse(await listening(api), '/api/notifications/stream');
      try {
        await stream.connected;
        // The worker's write fails for real, in the database (as in notifications.spec.ts).
        await api.db.query(`CREATE OR REPLACE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'forced failure in the worker'; END $$`);
        await api.db.query(`CREATE OR REPLACE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
          FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
        await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
        await eventually(async () => (await standingsState(api, boardId))?.state === 'F');

        await eventually(async () => stream.received.includes('forced failure in the worker'));
        expect(stream.received).toContain('event: failure');
        expect(stream.received).toContain(`"leaderboardId":${boardId}`);
        // A marker the worker publishes after it: once the API has it, any echo of the failure
        // would have arrived too (one channel, in order). Each process still saw each event once.
        worker.app.get(EventEmitter2).emit(FAILED, new RecalculationFailedEvent(boardId, 0, 'marker'));
        await eventually(async () => stream.received.includes('marker'));
        expect(seen).toEqual({ api: 2, worker: 2 });
        expect(stream.received.match(/event: failure/g)).toHaveLength(2);
      } finally {
        stream.close();
        await api.db.query('DROP TRIGGER IF EXISTS podium_test_fail ON race_result');
      }
    });
  });
});
