import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { fromEvent, Observable, share } from 'rxjs';
import { DomainEvent } from './catalogue';

/** A catalogue event class: its constructor, with the static event name. */
export type EventClass<T extends DomainEvent = DomainEvent> = { readonly eventName: string } & (new (...args: never[]) => T);

/**
 * One shared observable per event type, fed by a single bus listener that exists while anyone
 * subscribes: a thousand SSE clients add one listener, not a thousand (EventEmitter2 warns
 * past ten), and the last client to leave removes it.
 */
@Injectable()
export class EventStreams {
  private readonly streams = new Map<string, Observable<unknown>>();

  constructor(private readonly events: EventEmitter2) {}

  of<T extends DomainEvent>(type: EventClass<T>): Observable<T> {
    let stream = this.streams.get(type.eventName);
    if (!stream) {
      stream = fromEvent(this.events, type.eventName).pipe(share());
      this.streams.set(type.eventName, stream);
    }
    return stream as Observable<T>;
  }
}
