import { Controller, Get, HttpCode, MessageEvent, NotFoundException, Param, Post, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { merge, map, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { RecalculationFailedEvent, RecalculationRecoveredEvent } from '../common/events/catalogue';
import { EventStreams } from '../common/events/event-streams';
import { IdPipe } from '../common/id.pipe';

export class NotificationsQuery {
  @ApiPropertyOptional({ description: 'Only notifications not yet marked read' })
  @IsOptional() @Transform(({ value }) => value === true || value === 'true') @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
}

export class NotificationView {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['FAILURE', 'RECOVERY'] }) kind: 'FAILURE' | 'RECOVERY';
  @ApiProperty() leaderboardId: number;
  @ApiProperty() leaderboardName: string;
  @ApiProperty({ description: 'The error (FAILURE) or what happened (RECOVERY)' }) message: string;
  @ApiProperty({ description: 'The failure episode this belongs to' }) episodeId: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt: string | null;
}

/** The admin UI's notifications: failures and recoveries, a list and a live stream. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly streams: EventStreams,
  ) {}

  @Get()
  @ApiOkResponse({ type: [NotificationView], description: 'Newest first' })
  async list(@Query() query: NotificationsQuery): Promise<NotificationView[]> {
    const rows: { id: number; kind: 'FAILURE' | 'RECOVERY'; leaderboard_id: number; name: string; message: string; episode_id: number; created_at: Date; read_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT n.id, n.kind, n.leaderboard_id, l.name, n.message, n.episode_id, n.created_at, n.read_at
           FROM notification n JOIN leaderboard l ON l.id = n.leaderboard_id
          WHERE ($1::boolean IS NOT TRUE OR n.read_at IS NULL)
          ORDER BY n.id DESC LIMIT $2`,
        [query.unread ?? false, query.limit ?? 50],
      );
    return rows.map((r) => ({
      id: r.id, kind: r.kind, leaderboardId: r.leaderboard_id, leaderboardName: r.name, message: r.message, episodeId: r.episode_id,
      createdAt: r.created_at.toISOString(), readAt: r.read_at?.toISOString() ?? null,
    }));
  }

  @Post(':id/read')
  @HttpCode(204)
  async markRead(@Param('id', IdPipe) id: number): Promise<void> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      'UPDATE notification SET read_at = COALESCE(read_at, now()) WHERE id = $1',
      [id],
    );
    if (affected === 0) throw new NotFoundException(`Notification ${id} not found`);
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
