import { QueryFailedError } from 'typeorm';

/**
 * PostgreSQL conditions worth retrying: the same run may well succeed a moment later.
 * Everything else (bad data the calculators reject, a trigger that raises) fails at once.
 */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function isTransient(err: unknown): boolean {
  const code = (err instanceof QueryFailedError ? (err.driverError as { code?: string }).code : (err as { code?: string })?.code) ?? '';
  if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return true; // 08xxx: connection exceptions
  if (TRANSIENT_NODE_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** What admins read: the error's own words, without stack or SQL. */
export function describeFailure(err: unknown): string {
  if (err instanceof QueryFailedError) {
    const driver = err.driverError as { message?: string; code?: string };
    return `Database error${driver.code ? ` ${driver.code}` : ''}: ${driver.message ?? err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
