import { EventEmitter2 } from '@nestjs/event-emitter';
import { ResultSetChangedEvent } from '../../src/common/events/catalogue';
import { TestApp } from './test-app';

/** Records every ResultSetChangedEvent the app publishes, as a listener in the app would see them. */
export function recordChangeEvents(t: TestApp): { events: ResultSetChangedEvent[]; clear(): void } {
  const events: ResultSetChangedEvent[] = [];
  t.app.get(EventEmitter2).on(ResultSetChangedEvent.eventName, (event: ResultSetChangedEvent) => events.push(event));
  return { events, clear: () => events.splice(0) };
}
