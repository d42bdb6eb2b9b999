import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Every page takes ?embed=1 (no chrome, for an iframe on a club site). */
export class PageQuery {
  @IsOptional() @IsIn(['0', '1'])
  embed?: '0' | '1';
}

export class StandingsPageQuery extends PageQuery {
  /** Name filter, matched case-insensitively anywhere in the name. */
  @IsOptional() @IsString() @MaxLength(100)
  q?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;
}
