import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { actorOf } from '../common/auth/admin.guard';
import { pageWindow } from '../common/paging';
import { AuditLogRepository } from './audit-log.repository';
import { AuditPage, AuditQuery, WhoAmIView } from './audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get('audit')
  @ApiOperation({ summary: 'Who changed what, when and why, newest first (admin)' })
  @ApiOkResponse({ type: AuditPage })
  async list(@Query() query: AuditQuery): Promise<AuditPage> {
    const window = pageWindow(query);
    const { total, records } = await this.log.list({
      entity: query.entity,
      entityId: query.entityId,
      actor: query.actor,
      since: query.since,
      ...window,
    });
    return { total, ...window, items: records };
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the presented admin key belongs to, as the audit log names them (admin)' })
  @ApiOkResponse({ type: WhoAmIView })
  whoAmI(@Req() request: Request): WhoAmIView {
    const actor = actorOf(request) ?? '';
    return { actor, named: !/^key#\d+$/.test(actor) };
  }
}
