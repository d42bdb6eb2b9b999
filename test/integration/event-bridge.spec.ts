import { EventEmitter2 } from '@nestjs/event-emitter';
import IORedis, { Redis } from 'ioredis';
import { RecalculationFailedEvent, RecalculationRecoveredEvent } from '../../src/common/events/catalogue';
import { EventBridge } from '../../src/common/events/event-bridge';
import { PrivateRedis } from '../support/private-redis';
import { eventually } from '../support/test-app';

/** Two processes' buses joined by their bridges, on a Redis of this test's own. */
describe('event bridge', () => {
  let redis: PrivateRedis;
  const clients: Redis[] = [];
  const bridges: EventBridge[] = [];

  function node(prefix = 'bridge-test'): { bus: EventEmitter2; bridge: EventBridge; received: RecalculationFailedEvent[] } {
    const bus = new EventEmitter2();
    const client = new IORedis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    clients.push(client);
    const bridge = new EventBridge(bus, client, { redisPrefix: prefix });
    bridge.onModuleInit();
    bridges.push(bridge);
    const received: RecalculationFailedEvent[] = [];
    bus.on(RecalculationFailedEvent.eventName, (e: RecalculationFailedEvent) => received.push(e));
    return { bus, bridge, received };
  }

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    for (const bridge of bridges) await bridge.onApplicationShutdown();
    for (const client of clients) await client.quit();
    await redis.down();
  });

  it('delivers a published event to the other process as the catalogue class, and never back to its publisher', async () => {
    const a = node();
    const b = node();
    const other = node('another-deployment');
    await Promise.all([a.bridge.ready, b.bridge.ready, other.bridge.ready]);
    const recovered: unknown[] = [];
    b.bus.on(RecalculationRecoveredEvent.eventName, (e: unknown) => recovered.push(e));

    a.bus.emit(RecalculationFailedEvent.eventName, new RecalculationFailedEvent(1, 10, 'first'));
    a.bus.emit(RecalculationRecoveredEvent.eventName, new RecalculationRecoveredEvent(1, 10));
    await eventually(async () => b.received.length === 1 && recovered.length === 1);
    expect(b.received[0]).toBeInstanceOf(RecalculationFailedEvent);
    expect({ ...b.received[0] }).toEqual({ leaderboardId: 1, episodeId: 10, error: 'first' });
    expect(recovered[0]).toBeInstanceOf(RecalculationRecoveredEvent);

    // A marker from b proves a's channel has delivered everything before it: still one each.
    b.bus.emit(RecalculationFailedEvent.eventName, new RecalculationFailedEvent(2, 20, 'marker'));
    await eventually(async () => a.received.length === 2);
    expect(a.received.map((e) => e.error)).toEqual(['first', 'marker']);
    expect(b.received.map((e) => e.error)).toEqual(['first', 'marker']);
    // Another REDIS_PREFIX is another deployment: it hears nothing.
    expect(other.received).toEqual([]);
  });

  it('keeps delivering after Redis restarts', async () => {
    const a = node('restart');
    const b = node('restart');
    await Promise.all([a.bridge.ready, b.bridge.ready]);
    a.bus.emit(RecalculationFailedEvent.eventName, new RecalculationFailedEvent(3, 30, 'before'));
    await eventually(async () => b.received.length === 1);

    await redis.down();
    await redis.up();
    // Published until one arrives: the subscriber is back once it does, however long its reconnect took.
    let n = 0;
    await eventually(async () => {
      a.bus.emit(RecalculationFailedEvent.eventName, new RecalculationFailedEvent(3, 31, `after ${n++}`));
      return b.received.some((e) => e.error.startsWith('after'));
    }, 15_000, 200);
    expect(b.received[0].error).toBe('before');
  });
});
