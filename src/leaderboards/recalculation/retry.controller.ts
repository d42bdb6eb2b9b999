import { Body, Controller, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditTrail } from '../../audit/audit-trail';
import { Public } from '../../common/auth/public.decorator';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { escapeHtml } from '../../notifications/mail/failure-email';
import { RetryRateLimiter } from '../../notifications/retry/rate-limiter';
import { RetryTokens } from '../../notifications/retry/retry-tokens';
import { RecalcQueue } from './recalc-queue.service';

/**
 * The retry link of failure e-mails: GET shows a confirmation page and changes nothing (mail
 * scanners open links); its button POSTs, which uses the token and queues a RETRY run that
 * bypasses the debounce. The token is the credential, so the routes are public.
 */
@ApiTags('retry links')
@Public()
@Controller('admin/retry')
export class RetryController {
  constructor(
    private readonly tokens: RetryTokens,
    private readonly tx: TransactionRunner,
    private readonly queue: RecalcQueue,
    private readonly limiter: RetryRateLimiter,
    private readonly audit: AuditTrail,
  ) {}

  /** Actor of the audit rows of retry links: the token, not an admin key, authorised them. */
  static readonly ACTOR = 'retry-link';

  @Get()
  @ApiQuery({ name: 'token', description: 'The token from the e-mail' })
  @ApiResponse({ status: 200, description: 'Confirmation page (HTML)' })
  @ApiResponse({ status: 404, description: 'Unknown or tampered token' })
  @ApiResponse({ status: 410, description: 'Used, expired or superseded token' })
  async confirm(@Query('token') token: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.admit(req, res))) return;
    const check = await this.tokens.check(String(token ?? ''));
    if (check.kind === 'unknown') return page(res, HttpStatus.NOT_FOUND, 'Link not recognised', '<p>This retry link is not valid. Use the link from the most recent e-mail.</p>');
    if (check.kind === 'gone') return page(res, HttpStatus.GONE, 'Link no longer valid', `<p>${escapeHtml(check.reason)}</p>`);
    page(res, HttpStatus.OK, 'Retry recalculation?', `
      <p>Leaderboard <strong>${escapeHtml(check.leaderboardName)}</strong> failed to recalculate:</p>
      <pre>${escapeHtml(check.error)}</pre>
      <form method="post" action="retry"><input type="hidden" name="token" value="${escapeHtml(String(token))}">
      <button type="submit">Retry now</button></form>`);
  }

  @Post()
  @ApiBody({ schema: { type: 'object', properties: { token: { type: 'string', description: 'The token from the e-mail' } }, required: ['token'] } })
  @ApiResponse({ status: 202, description: 'Recalculation queued (HTML page with the job id)' })
  @ApiResponse({ status: 404, description: 'Unknown or tampered token' })
  @ApiResponse({ status: 410, description: 'Used, expired or superseded token' })
  @ApiResponse({ status: 503, description: 'The queue (Redis) is unavailable; the token is not used up: try again after Retry-After seconds' })
  async retry(@Body() body: { token?: unknown }, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.admit(req, res))) return;
    const token = typeof body?.token === 'string' ? body.token : '';
    const check = await this.tokens.check(token);
    if (check.kind === 'unknown') return page(res, HttpStatus.NOT_FOUND, 'Link not recognised', '<p>This retry link is not valid.</p>');
    // Queued inside the transaction that uses the token: if the queue is unavailable (503), the
    // token is not used up and the link works again once it is back.
    const job = check.kind === 'valid' ? await this.tx.run(async ({ manager }) => {
      const used = await this.tokens.consume(manager, token);
      if (!used) return null;
      const queued = await this.queue.enqueueNow(used.leaderboardId, 'RETRY');
      await this.audit.record(manager, {
        action: 'recalculation.request', entity: 'leaderboard', entityId: used.leaderboardId, actor: RetryController.ACTOR, changes: { jobId: queued.jobId, trigger: 'RETRY' },
      });
      return queued;
    }) : null;
    if (!job) {
      const reason = check.kind === 'gone' ? check.reason : 'This retry link has already been used.';
      return page(res, HttpStatus.GONE, 'Link no longer valid', `<p>${escapeHtml(reason)}</p>`);
    }
    page(res, HttpStatus.ACCEPTED, 'Recalculation queued', `
      <p>The recalculation is queued${job.afterActiveRun ? ' and runs right after the one in progress' : ''}.</p>
      <p>Job <code>${escapeHtml(job.jobId)}</code> — its status: <code>GET /api/recalculations/${escapeHtml(job.jobId)}</code> (admin key).</p>`);
  }

  private async admit(req: Request, res: Response): Promise<boolean> {
    if (await this.limiter.allow(req.ip ?? 'unknown')) return true;
    page(res, HttpStatus.TOO_MANY_REQUESTS, 'Too many requests', '<p>Please wait a minute and try again.</p>');
    return false;
  }
}

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({ 'Content-Type': 'text/html; charset=utf-8', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' })
    .send(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — Podium</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}
