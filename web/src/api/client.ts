import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError, type ErrorBody } from './errors';
import { currentSession, signOut } from '../session';

/**
 * Every call of the console goes through this typed client (types generated from the app's
 * OpenAPI document by `npm run console:api`). The key rides as a Bearer header; a 401 anywhere
 * signs out with the server's reason, which the sign-in form then shows.
 */
const auth: Middleware = {
  onRequest({ request }) {
    const { key } = currentSession();
    if (key) request.headers.set('Authorization', `Bearer ${key}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      const body = (await response.clone().json().catch(() => null)) as ErrorBody | null;
      signOut(`Signed out: ${typeof body?.message === 'string' ? body.message : 'the server did not accept the admin key'}`);
    }
    return response;
  },
};

// fetch looked up at each call (not captured once), so the tests' stand-in server is used.
export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: (request) => globalThis.fetch(request) });
api.use(auth);

/** The data of an openapi-fetch answer, or an ApiError with the server's words. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, null);
  }
  if (!result.response.ok) throw new ApiError(result.response.status, (result.error ?? null) as ErrorBody | null);
  return result.data as T;
}

/** Calls the typed client cannot express (multipart upload, routes newer than the types): same header, same errors. */
export async function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const { key } = currentSession();
  const headers = new Headers(init.headers);
  if (key) headers.set('Authorization', `Bearer ${key}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, null);
  }
  if (response.status === 401) await auth.onResponse!({ response } as never);
  if (!response.ok) throw new ApiError(response.status, (await response.json().catch(() => null)) as ErrorBody | null);
  return response;
}
