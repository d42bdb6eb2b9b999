import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A caller's own id is kept when it is short and plain, so a proxy's or client's id follows the request. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The request's id, for the logs (pino-http's req.id), the audit log and the caller: it is sent
 * back as X-Request-Id so a user reporting a problem can quote it.
 */
export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}
