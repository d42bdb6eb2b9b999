import { useQuery } from '@tanstack/react-query';
import { api, ok } from './api/client';

/**
 * Who is signed in, as the audit log names them: GET /api/me. Only a named key (`name:key`) has
 * a name to show; an unnamed one (logged by position, `key#1`) shows nothing rather than a number
 * that names nobody.
 */
export function useWhoami(enabled: boolean): string | null {
  const q = useQuery({
    queryKey: ['me'],
    enabled,
    retry: false,
    staleTime: Infinity,
    queryFn: () => ok(api.GET('/api/me')),
  });
  return q.data?.named && q.data.actor ? q.data.actor : null;
}
