import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { REDIS } from '../../redis/redis.module';
import { DomainEvent, RecalculationFailedEvent, RecalculationRecoveredEvent, StandingsChangedEvent } from './catalogue';
import { EventClass } from './event-streams';

/**
 * The catalogue events every process sees, wherever they were published: a worker's failure
 * reaches the SSE streams of every API process. Bridge another event by listing it here (its
 * payload must survive JSON: dates arrive as strings).
 */
export const BRIDGED_EVENTS: readonly EventClass[] = [RecalculationFailedEvent, RecalculationRecoveredEvent, StandingsChangedEvent];

interface Envelope {
  origin: string;
  name: string;
  payload: unknown;
}

/**
 * Fans the bridged events out through Redis pub/sub on `<REDIS_PREFIX>:events`. Each process
 * publishes what its own bus emits, tagged with its origin id, and re-emits on its bus what
 * other processes published; its own messages coming back are dropped, so nothing is
 * delivered twice. The subscriber is a dedicated connection (a subscribed connection can do
 * nothing else), and ioredis re-subscribes after a reconnect; publishes made while Redis is
 * away wait in the client's offline queue.
 */
@Injectable()
export class EventBridge implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventBridge.name);
  readonly origin = randomUUID();
  private readonly channel: string;
  private readonly byName = new Map(BRIDGED_EVENTS.map((type) => [type.eventName, type]));
  /** Events this process received from others: re-emitted locally, never published back. */
  private readonly received = new WeakSet<object>();
  private readonly listeners = new Map<string, (event: DomainEvent) => void>();
  private subscriber: Redis | null = null;
  /** Settles once the subscription is in place (tests wait for it). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: EventEmitter2,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'redisPrefix'>,
  ) {
    this.channel = `${config.redisPrefix}:events`;
  }

  onModuleInit(): void {
    for (const name of this.byName.keys()) {
      const listener = (event: DomainEvent) => this.publish(name, event);
      this.listeners.set(name, listener);
      this.events.on(name, listener);
    }
    const subscriber = this.redis.duplicate({ connectionName: `${this.redis.options.connectionName ?? 'podium'}-events` });
    subscriber.on('message', (channel: string, message: string) => channel === this.channel && this.deliver(message));
    subscriber.on('error', (err: Error) => this.logger.warn({ err }, 'Event bridge subscriber: Redis error (it reconnects)'));
    this.subscriber = subscriber;
    // Not awaited: start-up does not wait on Redis for this; the subscription is made when it answers.
    this.ready = subscriber.subscribe(this.channel).then(
      () => undefined,
      (err: Error) => this.logger.error({ err }, 'Event bridge could not subscribe'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const [name, listener] of this.listeners) this.events.off(name, listener);
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private publish(name: string, event: DomainEvent): void {
    if (this.received.has(event)) return;
    const envelope: Envelope = { origin: this.origin, name, payload: event };
    this.redis.publish(this.channel, JSON.stringify(envelope)).catch((err: Error) => {
      this.logger.warn({ err, event: name }, 'Event not published to other processes');
    });
  }

  private deliver(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return this.logger.warn('Event bridge: ignored a message that is not JSON');
    }
    if (envelope.origin === this.origin) return;
    const type = this.byName.get(envelope.name);
    if (!type || typeof envelope.payload !== 'object' || envelope.payload === null) return;
    const event = Object.assign(Object.create(type.prototype) as DomainEvent, envelope.payload);
    this.received.add(event);
    this.events.emit(envelope.name, event);
  }
}
