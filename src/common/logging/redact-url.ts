/** Query parameters whose values are secrets (retry links carry `?token=`). */
const SECRET_PARAMS = ['token'];

const SECRET_QUERY_VALUE = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#]*`, 'gi');

/** The URL with every secret query value replaced, so a logged request line cannot be replayed. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_VALUE, '$1[redacted]');
}

/** pino-http request serializer (it receives the already-serialized request): the logged URL without secrets. */
export function redactRequestUrl<T extends { url?: unknown }>(req: T): T {
  if (typeof req.url === 'string') req.url = redactUrl(req.url);
  return req;
}
