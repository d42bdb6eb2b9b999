import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvent, eventNameOf } from '../events/catalogue';

/** What a unit of work sees: the transaction's manager and a way to queue events for after commit. */
export interface UnitOfWork {
  readonly manager: EntityManager;
  publishAfterCommit(event: DomainEvent): void;
}

/**
 * Runs work in one database transaction and publishes the events it queued only once the
 * transaction has committed: a rolled-back change publishes nothing.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
  ) {}

  async run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const queued: DomainEvent[] = [];
    const result = await this.dataSource.transaction((manager) =>
      work({ manager, publishAfterCommit: (event) => queued.push(event) }),
    );
    for (const event of queued) await this.publish(event);
    return result;
  }

  /**
   * Listeners run awaited so their failures surface here. The change is already committed and
   * its durable pending mark is the safety net, so a failing listener is logged, not rethrown.
   */
  private async publish(event: DomainEvent): Promise<void> {
    try {
      await this.events.emitAsync(eventNameOf(event), event);
    } catch (err) {
      this.logger.error({ err, event: eventNameOf(event) }, 'A listener failed; the sweeper will pick the change up');
    }
  }
}
