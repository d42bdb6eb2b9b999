import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LeaderboardConfigChangedEvent, ResultSetChangedEvent } from '../../common/events/catalogue';
import { RecalcQueue } from '../../queue/recalc-queue.service';

/**
 * Turns committed changes into debounced jobs, and nothing else. A failed enqueue is logged,
 * counted and rethrown (errors are not suppressed); the durable pending mark written with the
 * change lets the sweeper enqueue the board later.
 */
@Injectable()
export class RecalcListener {
  private readonly logger = new Logger(RecalcListener.name);
  /** Enqueue failures since start, reported with each failure's log line. */
  private failures = 0;

  constructor(private readonly queue: RecalcQueue) {}

  /** How many enqueues have failed since this process started (the sweeper catches them up). */
  get enqueueFailures(): number {
    return this.failures;
  }

  @OnEvent(ResultSetChangedEvent.eventName, { suppressErrors: false })
  onResultsChanged(event: ResultSetChangedEvent): Promise<void> {
    return this.enqueue(event.leaderboardIds, `result set ${event.resultSetId} (${event.reason})`);
  }

  @OnEvent(LeaderboardConfigChangedEvent.eventName, { suppressErrors: false })
  onConfigChanged(event: LeaderboardConfigChangedEvent): Promise<void> {
    return this.enqueue(event.leaderboardIds, `configuration ${event.reason}`);
  }

  private async enqueue(leaderboardIds: number[], cause: string): Promise<void> {
    if (leaderboardIds.length === 0) return;
    try {
      await this.queue.enqueueDebounced(leaderboardIds, 'AUTO');
    } catch (err) {
      this.failures += 1;
      this.logger.error({ err, leaderboardIds, cause, failures: this.failures }, 'Could not enqueue recalculation; the sweeper will retry');
      throw err;
    }
  }
}
