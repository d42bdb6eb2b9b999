import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LeaderboardConfigChangedEvent, ParticipantsChangedEvent, RaceEventChangedEvent, ResultSetChangedEvent } from '../../common/events/catalogue';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RecalcQueue } from './recalc-queue.service';

/**
 * Turns committed changes into debounced jobs, and nothing else. A failed enqueue is logged,
 * counted and rethrown (errors are not suppressed); the durable pending mark written with the
 * change lets the sweeper enqueue the board later. The request that made the change waits for
 * the enqueue at most REDIS_COMMAND_TIMEOUT_MS: the change is committed, so a slow Redis must
 * not make it look failed.
 */
@Injectable()
export class RecalcListener {
  private readonly logger = new Logger(RecalcListener.name);
  /** Enqueue failures since start, reported with each failure's log line. */
  private failures = 0;

  constructor(
    private readonly queue: RecalcQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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

  @OnEvent(RaceEventChangedEvent.eventName, { suppressErrors: false })
  onRaceEventChanged(event: RaceEventChangedEvent): Promise<void> {
    return this.enqueue(event.leaderboardIds, `event ${event.eventId} (${event.reason})`);
  }

  @OnEvent(ParticipantsChangedEvent.eventName, { suppressErrors: false })
  onParticipantsChanged(event: ParticipantsChangedEvent): Promise<void> {
    return this.enqueue(event.leaderboardIds, `riders ${event.participantIds.join(', ')} (${event.reason})`);
  }

  private async enqueue(leaderboardIds: number[], cause: string): Promise<void> {
    if (leaderboardIds.length === 0) return;
    const enqueued = this.queue.enqueueDebounced(leaderboardIds, 'AUTO').then(
      () => undefined,
      (err: unknown) => {
        this.failures += 1;
        this.logger.error({ err, leaderboardIds, cause, failures: this.failures }, 'Could not enqueue recalculation; the sweeper will retry');
        throw err;
      },
    );
    // Past the deadline the enqueue goes on without the request; a late failure is logged above.
    enqueued.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.config.redisCommandTimeoutMs);
    });
    try {
      await Promise.race([enqueued, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
