import { Global, Module } from '@nestjs/common';
import { EventBridge } from './event-bridge';
import { EventStreams } from './event-streams';

/** Cross-process delivery of the bridged catalogue events, and shared streams of bus events. */
@Global()
@Module({
  providers: [EventBridge, EventStreams],
  exports: [EventStreams],
})
export class EventBridgeModule {}
