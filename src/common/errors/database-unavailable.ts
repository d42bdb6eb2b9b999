import { QueryFailedError } from 'typeorm';

/** Seconds a client is told to wait (Retry-After) while PostgreSQL cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Node socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs of a server going away or not taking connections: class 08
 * (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up or shutting down), 53300 too_many_connections.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and pg-pool errors that carry no code. */
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * True when the error means PostgreSQL is unreachable (down, restarting, refusing or cutting
 * connections, or the pool timed out waiting for one): the request may succeed later, so it
 * is a 503, not a 500. Looks through TypeORM's QueryFailedError, `cause` and AggregateErrors
 * (a host name that resolves to several addresses).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  // Duck-typed, not `instanceof Error`: socket errors can come from another realm (Jest's VM).
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  const inner = [error instanceof QueryFailedError ? error.driverError : undefined, cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((e) => isDatabaseUnavailable(e, depth + 1));
}

/**
 * Logs an outage once, then at most once per interval with how many requests were answered
 * 503 meanwhile: a down database must not write a stack trace per request.
 */
export class OutageLog {
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly write: (message: string, error: unknown) => void,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(error: unknown): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const also = this.suppressed > 0 ? ` (${this.suppressed} more requests answered 503 since the last report)` : '';
    this.write(`PostgreSQL is unreachable: answering 503 with Retry-After ${DATABASE_RETRY_AFTER_SECONDS}s${also}`, error);
    this.lastAt = now;
    this.suppressed = 0;
  }
}
