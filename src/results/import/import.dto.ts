import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { RESULT_SET_STATES, ResultSetState } from '../../common/result-set-state';
import type { ImportAction, ImportedCategory } from './import-writer';
import type { ImportReport } from './results-import.service';

const IMPORT_STATES = ['DRAFT', 'PROVISIONAL'] as const;

/** The multipart form's text fields (the file itself is the `file` part). */
export class ImportFormDto {
  @ApiPropertyOptional({ description: 'Category of rows that have no Category cell (a single-category file)', maxLength: 100 })
  @IsOptional() @IsString() @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ enum: IMPORT_STATES, default: 'PROVISIONAL', description: 'State of the result sets written; an APPROVED set gets a DRAFT revision instead' })
  @IsOptional() @IsIn(IMPORT_STATES)
  state?: (typeof IMPORT_STATES)[number];

  @ApiPropertyOptional({
    description: 'Words of this file\'s Status (or Place) column and the status each stands for, over the defaults (every code, the registered ones too; DQ = DSQ; '
      + 'OTL, over the time limit = DNF, and LAP, lapped = FIN keeping its place, unless registered as codes of their own). '
      + 'A CODE that is neither built-in nor registered is a 400 naming statusSynonyms',
    maxLength: 500,
    example: 'OTL=RET, LAP=DNF, ABD=RET',
  })
  @IsOptional() @IsString() @Length(1, 500)
  statusSynonyms?: string;
}

export class ImportedCategoryView implements ImportedCategory {
  @ApiProperty({ description: 'Category code, from the Category column, the form field or the sheet name' }) category: string;
  @ApiProperty({ description: 'The result set that holds the rows now' }) resultSetId: number;
  @ApiProperty({ enum: ['created', 'replaced', 'revision'], description: 'created: a new set; replaced: the open set\'s rows were replaced; revision: the set was APPROVED, so a DRAFT revision took the rows' })
  action: ImportAction;
  @ApiProperty({ enum: RESULT_SET_STATES }) state: ResultSetState;
  @ApiProperty({ nullable: true, type: Number, description: 'For a revision: the APPROVED set it revises' }) revises: number | null;
  @ApiProperty({ description: 'Rows written' }) rows: number;
  @ApiProperty({ type: [String] }) warnings: string[];
}

export class ImportReportView implements ImportReport {
  @ApiProperty() eventId: number;
  @ApiProperty({ enum: ['xlsx', 'csv'], description: 'What the file was read as (from its content, not its name)' }) format: 'xlsx' | 'csv';
  @ApiProperty({ description: 'Result rows read and written' }) rows: number;
  @ApiProperty({ type: [ImportedCategoryView] }) categories: ImportedCategoryView[];
  @ApiProperty({ type: [String], description: 'Header names that matched no field; their columns were ignored' }) unknownColumns: string[];
  @ApiProperty({ type: [String], description: 'Sheets skipped (hidden, empty), repeated columns' }) warnings: string[];
  @ApiProperty({ type: [Number], description: 'Leaderboards marked for recalculation' }) leaderboardIds: number[];
  @ApiProperty({
    example: true,
    description: 'False when the file matched what was stored (the same file imported again): no board was marked and no change published. '
      + 'Every import, changed or not, is recorded in the audit log (event.import, with the file\'s name, size and sha256).',
  })
  changed: boolean;
}

export class ImportProblemView {
  @ApiProperty({ nullable: true, type: String, description: 'Worksheet name; null for CSV' }) sheet: string | null;
  @ApiProperty({ description: 'Row number as the spreadsheet shows it' }) row: number;
  @ApiProperty({ nullable: true, type: String, description: 'Column header as written in the file; null for the whole row' }) column: string | null;
  @ApiProperty() message: string;
}

export class ImportErrorView {
  @ApiProperty({ example: 422 }) statusCode: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: [ImportProblemView], description: 'The first 200 problems, in file order' }) errors: ImportProblemView[];
  @ApiProperty({ description: 'How many problems there are in all' }) totalErrors: number;
}
