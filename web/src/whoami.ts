import { useQuery } from '@tanstack/react-query';
import { rawFetch } from './api/client';
import { ApiError } from './api/errors';

/**
 * Who is signed in. Named admin keys (`name:key`) come with the audit work of issue 14; until
 * the API says who a key belongs to, this asks GET /api/whoami and shows nothing when the route
 * is absent (404). The one place to change when the endpoint lands (then from the typed client).
 */
export function useWhoami(enabled: boolean): string | null {
  const q = useQuery({
    queryKey: ['whoami'],
    enabled,
    retry: false,
    staleTime: Infinity,
    queryFn: async () => {
      try {
        const body = (await (await rawFetch('/api/whoami')).json()) as { actor?: string; name?: string };
        return body.actor ?? body.name ?? null;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
        throw err;
      }
    },
  });
  return q.data ?? null;
}
