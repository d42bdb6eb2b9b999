import { DynamicModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';

/** The in-process bus for the catalogue's events; listener errors are not ignored, so none vanishes. */
export function eventBusRoot(): DynamicModule {
  return EventEmitterModule.forRoot({ wildcard: false, ignoreErrors: false });
}
