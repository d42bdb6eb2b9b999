import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The most rows any list answers at once. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

/** `?offset=&limit=` of every list. Extend it for a list's own filters. */
export class PageQuery {
  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'Rows to skip' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000)
  offset?: number;

  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Rows to answer' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export interface PageWindow {
  offset: number;
  limit: number;
}

export function pageWindow(query: PageQuery): PageWindow {
  return { offset: query.offset ?? 0, limit: query.limit ?? DEFAULT_PAGE_SIZE };
}

/**
 * The envelope of every list: a page of `items` and the `total` matching the filters. Subclass it
 * with a typed `items` property so the OpenAPI names the item type.
 */
export abstract class PageView<T> {
  @ApiProperty({ description: 'Rows matching the filters, in all pages', example: 1 }) total: number;
  @ApiProperty({ example: 0 }) offset: number;
  @ApiProperty({ example: DEFAULT_PAGE_SIZE }) limit: number;
  abstract items: T[];
}
