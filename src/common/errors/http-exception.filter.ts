import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, OutageLog } from './database-unavailable';
import {
  ConflictError,
  DomainError,
  InputTooLargeError,
  InvalidInputError,
  NotFoundError,
  QueueUnavailableError,
  RejectedInputError,
  UnreadableInputError,
  UnsupportedInputError,
  TooManyStreamsError,
} from './domain-errors';
import { escapeHtml } from '../http/escape-html';
import { requestErrorAnswer } from './request-errors';

/** "Unprocessable Entity" from UNPROCESSABLE_ENTITY. */
function httpError(status: number): string {
  const name = HttpStatus[status];
  return name ? name.toLowerCase().split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') : 'Error';
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: unknown[];
  errorId?: string;
}

/** PostgreSQL errors the client caused (a constraint it broke), mapped rather than hidden as 500s. */
const PG_CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  '23505': { status: HttpStatus.CONFLICT, message: 'That would duplicate an existing record' },
  '23503': { status: HttpStatus.CONFLICT, message: 'That refers to a record that does not exist or is still in use' },
  '23514': { status: HttpStatus.BAD_REQUEST, message: 'A value is outside what is allowed' },
  '22P02': { status: HttpStatus.BAD_REQUEST, message: 'A value has the wrong format' },
  '22003': { status: HttpStatus.BAD_REQUEST, message: 'A number is out of range' },
};

type DomainErrorKind = abstract new (...args: never[]) => DomainError;

/** Each kind of domain error's HTTP status; a subclass answers as its nearest listed ancestor. */
const DOMAIN_STATUS = new Map<DomainErrorKind, number>([
  [NotFoundError, HttpStatus.NOT_FOUND],
  [ConflictError, HttpStatus.CONFLICT],
  [InvalidInputError, HttpStatus.BAD_REQUEST],
  [UnreadableInputError, HttpStatus.BAD_REQUEST],
  [UnsupportedInputError, HttpStatus.UNSUPPORTED_MEDIA_TYPE],
  [InputTooLargeError, HttpStatus.PAYLOAD_TOO_LARGE],
  [RejectedInputError, HttpStatus.UNPROCESSABLE_ENTITY],
  [QueueUnavailableError, HttpStatus.SERVICE_UNAVAILABLE],
  [TooManyStreamsError, HttpStatus.SERVICE_UNAVAILABLE],
]);

/** The status of a domain error; a kind missing from the table is a bug on our side (500). */
export function domainStatus(error: DomainError): number {
  for (let kind = error.constructor; kind && kind !== DomainError; kind = Object.getPrototypeOf(kind)) {
    const status = DOMAIN_STATUS.get(kind as DomainErrorKind);
    if (status !== undefined) return status;
  }
  return HttpStatus.INTERNAL_SERVER_ERROR;
}

/**
 * The single place where errors become HTTP answers. Domain errors keep their message;
 * anything unexpected becomes a 500 whose details go to the log under an id the client sees.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');
  private readonly outage = new OutageLog((message, err) => this.logger.warn({ err: summary(err) }, message));

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (response.headersSent) return;
    // --- PostgreSQL unreachable: 503 + Retry-After, logged once per interval, not per request ---
    const answered = exception instanceof HttpException || exception instanceof DomainError;
    if (!answered && isDatabaseUnavailable(exception)) {
      this.outage.record(exception);
      response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      response.status(503).json({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `The database is unavailable; try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds`,
      } satisfies ErrorBody);
      return;
    }
    // --- end PostgreSQL unreachable ---
    const body = this.toBody(exception);
    // Queue (Redis) unavailable: the 503 says when to try again.
    if (exception instanceof QueueUnavailableError || exception instanceof TooManyStreamsError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    // Public pages: a browser gets the same answer as a short HTML page.
    if (wantsPage(http.getRequest<Request>())) {
      response.status(body.statusCode).type('html').send(errorPage(body.statusCode, body.error, body.message));
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof InvalidInputError) {
      return { statusCode: 400, error: 'Bad Request', message: 'Validation failed', errors: exception.problems };
    }
    if (exception instanceof DomainError) {
      const status = domainStatus(exception);
      return { ...exception.details, statusCode: status, error: httpError(status), message: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, error: httpError(status), message };
    }
    // Hostile or broken requests: body-parser errors (size, charset, encoding), NUL and depth from PostgreSQL.
    const requestError = requestErrorAnswer(exception);
    if (requestError) return { statusCode: requestError.status, error: httpError(requestError.status), message: requestError.message };
    // Through TypeORM (QueryFailedError) or from repositories that speak to node-pg directly (its DatabaseError).
    const driverError = exception instanceof QueryFailedError ? (exception.driverError as { code?: string; constraint?: string })
      : exception instanceof DatabaseError ? exception : undefined;
    const known = driverError?.code ? PG_CLIENT_ERRORS[driverError.code] : undefined;
    if (known) {
      const detail = driverError!.constraint;
      return {
        statusCode: known.status,
        error: httpError(known.status),
        message: detail ? `${known.message} (${detail})` : known.message,
      };
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId }, 'Unhandled error');
    return { statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side', errorId };
  }
}

/** The error's code and message, no stack: an outage is one known condition, not a bug to trace. */
function summary(err: unknown): { code?: unknown; message: string } {
  return err instanceof Error ? { code: (err as { code?: unknown }).code, message: err.message } : { message: String(err) };
}

/** A browser asking for one of the public pages (not the API, which always answers JSON). */
function wantsPage(req: Request): boolean {
  return !/^\/(api|admin|metrics|health)(\/|$)/.test(req.path) && req.accepts(['json', 'html']) === 'html' && req.method === 'GET';
}

function errorPage(status: number, error: string, message: unknown): string {
  const text = typeof message === 'string' ? message : error;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${status} ${escapeHtml(error)} · Podium</title></head><body><main><h1>${escapeHtml(error)}</h1><p>${escapeHtml(text)}</p>`
    + `<p><a href="/">Podium</a></p></main></body></html>\n`;
}
