import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RecalculateAllQuery {
  @ApiProperty({ description: 'The series whose active boards to recalculate' })
  @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  seriesId: number;
}

export class RunsQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class RecalculationView {
  @ApiProperty({ description: 'Follow it at GET /api/recalculations/:jobId' }) jobId: string;
  @ApiProperty({ enum: ['queued'] }) status: 'queued';
  @ApiProperty() leaderboardId: number;
  @ApiProperty({ description: 'A run of this board was active: this one runs right after it' }) afterActiveRun: boolean;
  @ApiProperty({ description: 'A run of this board was already waiting to start: the request joined it' }) joinedExisting: boolean;
}

export class RecalculateAllView {
  @ApiProperty() seriesId: number;
  @ApiProperty({ type: [RecalculationView], description: 'One job per active board' }) jobs: RecalculationView[];
}
