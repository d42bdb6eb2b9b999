import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ok } from '../api/client';
import { Link } from '../router';
import { subscribeSse } from '../sse';

export function useNotifications() {
  return useQuery({ queryKey: ['notifications'], queryFn: () => ok(api.GET('/api/notifications', { params: { query: { limit: 100 } } })) });
}

/**
 * The header's notifications indicator: the unread count of failures and recoveries, kept live by the notifications stream (a
 * failure or recovery in any process refreshes the list and every board on screen).
 */
export function Notifications() {
  const queries = useQueryClient();
  const list = useNotifications();
  const [live, setLive] = useState(false);
  useEffect(
    () =>
      subscribeSse(
        '/api/notifications/stream',
        () => {
          void queries.invalidateQueries({ queryKey: ['notifications'] });
          void queries.invalidateQueries({ queryKey: ['board'] });
          void queries.invalidateQueries({ queryKey: ['series'] });
        },
        () => setLive(true),
      ),
    [queries],
  );
  const unread = (list.data ?? []).filter((n) => !n.readAt).length;
  return (
    <Link to="/failures" className={`bell${unread > 0 ? ' alert' : ''}`} data-live={live ? 'yes' : 'no'}>
      Notifications <span className="count">{unread}</span>
      <span className="sr-only"> unread</span>
    </Link>
  );
}
