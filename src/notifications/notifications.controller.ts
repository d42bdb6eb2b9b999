import { Controller, Get, HttpCode, MessageEvent, Param, Post, Query, Sse } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-errors';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { merge, map, Observable } from 'rxjs';
import { TransactionRunner } from '../common/database/transaction-runner';
import { RecalculationFailedEvent, RecalculationRecoveredEvent } from '../common/events/catalogue';
import { EventStreams } from '../common/events/event-streams';
import { IdPipe } from '../common/id.pipe';
import { FailureEpisodesRepository } from './failure-episodes.repository';
import { NotificationsQuery, NotificationView } from './notifications.dto';

/** The admin UI's notifications: failures and recoveries, a list and a live stream. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly episodes: FailureEpisodesRepository,
    private readonly streams: EventStreams,
  ) {}

  @Get()
  @ApiOkResponse({ type: [NotificationView], description: 'Newest first' })
  async list(@Query() query: NotificationsQuery): Promise<NotificationView[]> {
    const rows = await this.tx.run(({ manager }) => this.episodes.notifications(manager, query.unread ?? false, query.limit ?? 50));
    return rows.map((n) => ({ ...n, createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null }));
  }

  @Post(':id/read')
  @HttpCode(204)
  async markRead(@Param('id', IdPipe) id: number): Promise<void> {
    const found = await this.tx.run(({ manager }) => this.episodes.markRead(manager, id));
    if (!found) throw new NotFoundError('Notification', id);
  }

  /**
   * Server-Sent Events of failures and recoveries, from whichever process ran the job (the
   * event bridge brings workers' events here). Clients share one bus listener per event type.
   */
  @Sse('stream')
  stream(): Observable<MessageEvent> {
    return merge(
      this.streams.of(RecalculationFailedEvent).pipe(map((e) => ({ type: 'failure', data: { kind: 'FAILURE', ...e } }))),
      this.streams.of(RecalculationRecoveredEvent).pipe(map((e) => ({ type: 'recovery', data: { kind: 'RECOVERY', ...e } }))),
    );
  }
}
