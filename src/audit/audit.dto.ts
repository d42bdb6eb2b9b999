import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery, PageView } from '../common/paging';
import { MAX_REASON_LENGTH } from '../common/auth/reason-header';
import { AUDIT_ENTITIES, AuditEntity, AuditRecord, FieldChanges } from './audit-entry';

/**
 * A request body's `reason`, kept in the audit log: the same limits as the X-Reason header
 * (src/common/auth/reason-header.ts). Extend it in the DTO of a change that takes a reason.
 */
export class ReasonDto {
  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH, example: 'Protest upheld: rider 12 missed a lap', description: 'Why, for the audit log; takes precedence over the X-Reason header' })
  @IsOptional() @IsString() @MaxLength(MAX_REASON_LENGTH)
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'reason must not contain control characters' })
  reason?: string;
}

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AUDIT_ENTITIES, description: 'Only changes to this kind of thing' })
  @IsOptional() @IsIn(AUDIT_ENTITIES)
  entity?: AuditEntity;

  @ApiPropertyOptional({ example: '42', description: 'Only changes to the thing with this id (with entity)' })
  @IsOptional() @IsString() @Length(1, 100)
  entityId?: string;

  @ApiPropertyOptional({ example: 'alice', description: "Only changes by this actor: an admin key's name, key#N, retry-link or cli:<user>" })
  @IsOptional() @IsString() @Length(1, 100)
  actor?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-05-01T00:00:00Z', description: 'Only changes at or after this time' })
  @IsOptional() @Type(() => Date) @IsDate({ message: 'since must be a date-time such as 2026-05-01T00:00:00Z' })
  since?: Date;
}

export class AuditRecordView implements AuditRecord {
  @ApiProperty({ example: 17 }) id: number;
  @ApiProperty({ format: 'date-time', example: '2026-05-02T09:14:03.120Z' }) at: string;
  @ApiProperty({ example: 'alice', description: "The admin key's name (key#N for an unnamed key), retry-link, cli:<user> or system" }) actor: string;
  @ApiProperty({ example: 'result.update', description: '<entity>.<verb>' }) action: string;
  @ApiProperty({ enum: AUDIT_ENTITIES, example: 'result' }) entity: AuditEntity;
  @ApiProperty({ example: '311' }) entityId: string;
  @ApiProperty({
    type: Object,
    example: { before: { position: 4 }, after: { position: 3 } },
    description: 'The fields that changed, before and after; for a replace of result rows, counts and the changed rows\' keys',
  })
  changes: FieldChanges;
  @ApiProperty({ nullable: true, type: String, example: 'Protest upheld', description: 'Why, from the X-Reason header or a reason field' }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'c0a8012e-5b1f-4c43-9d0e-2f5b7d1a9e11', description: 'The request id in the logs (X-Request-Id)' }) requestId: string | null;
}

export class AuditPage extends PageView<AuditRecordView> {
  @ApiProperty({ type: [AuditRecordView] }) items: AuditRecordView[];
}

export class WhoAmIView {
  @ApiProperty({ example: 'alice', description: "The admin key's name as the audit log records it (key#N for an unnamed key)" }) actor: string;
  @ApiProperty({ example: true, description: 'False for an unnamed key (ADMIN_API_KEYS entry without name:)' }) named: boolean;
}
