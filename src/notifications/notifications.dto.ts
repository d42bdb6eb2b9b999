import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

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
