import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { REGISTERED_CODE_PATTERN } from '../../calculators/validate';

export class StatusCodeView {
  @ApiProperty({ description: 'The code as results carry it', example: 'OTL' })
  code: string;

  @ApiProperty({ description: 'Its number in race packs: built-ins below 32, organiser-defined codes from 32, never reused', example: 32 })
  number: number;

  @ApiProperty({ description: 'true for the codes Podium knows (FIN, DNF, … the Racing Rules of Sailing\'s); false for an organiser-defined code', example: false })
  builtIn: boolean;

  @ApiProperty({ description: 'What the code means', example: 'over the time limit' })
  label: string;

  @ApiProperty({ description: 'When the code was registered (built-ins: when the registry was made)', example: '2026-12-07T01:00:00.000Z' })
  createdAt: string;
}

export class StatusCodeList {
  @ApiProperty({ type: [StatusCodeView], description: 'Built-ins first (by number), then the organiser-defined codes by code' })
  items: StatusCodeView[];
}

const CODE_MESSAGE = 'code must be 2 to 10 capital letters and digits, a letter first (e.g. OTL)';

export class CreateStatusCodeDto {
  @ApiProperty({ description: 'The new code: 2 to 10 capital letters and digits, a letter first, not a built-in code', example: 'OTL', pattern: REGISTERED_CODE_PATTERN.source })
  @IsString() @Matches(REGISTERED_CODE_PATTERN, { message: CODE_MESSAGE })
  code: string;

  @ApiProperty({ description: 'What it means, for organisers and riders', example: 'over the time limit', maxLength: 200 })
  @IsString() @Length(1, 200)
  label: string;
}

export class UpdateStatusCodeDto {
  @ApiProperty({ description: 'What the code means', example: 'outside the time limit', maxLength: 200 })
  @IsString() @Length(1, 200)
  label: string;
}
