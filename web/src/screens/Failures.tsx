import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import { Link } from '../router';
import { ErrorMessage, Loading, Paged } from '../ui';
import { useBoard } from './Board';
import { useNotifications } from './Notifications';

/** Failures and recoveries, newest first: each with its board, the error, a Retry and "mark read". */
export function FailuresScreen() {
  const list = useNotifications();
  const queries = useQueryClient();
  const read = useMutation({
    mutationFn: (id: number) => ok(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['notifications'] }),
  });
  if (list.error) return <ErrorMessage error={list.error} />;
  if (!list.data) return <Loading what="notifications" />;
  return (
    <>
      <h1>Failures and recoveries</h1>
      {list.data.length === 0 && <p>No failures. Recalculations are running cleanly.</p>}
      <ErrorMessage error={read.error} />
      <Paged items={list.data} label="Notifications">
        {(page) => (
          <ul className="notifications">
            {page.map((n) => (
              <li key={n.id} className={`${n.kind.toLowerCase()}${n.readAt ? '' : ' unread'}`}>
                <strong>{n.kind === 'FAILURE' ? 'Failed' : 'Recovered'}</strong>: <Link to={`/boards/${n.leaderboardId}`}>{n.leaderboardName}</Link>
                <span className="time"> {new Date(n.createdAt).toLocaleString()}</span>
                <p>{n.message}</p>
                <div className="actions">
                  {n.kind === 'FAILURE' && <Retry boardId={n.leaderboardId} name={n.leaderboardName} />}
                  {!n.readAt && (
                    <button type="button" onClick={() => read.mutate(n.id)} aria-label={`Mark read: ${n.leaderboardName} ${n.kind.toLowerCase()}`}>
                      Mark read
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Paged>
    </>
  );
}

function Retry({ boardId, name }: { boardId: number; name: string }) {
  const board = useBoard(boardId);
  const queries = useQueryClient();
  const retry = useMutation({
    mutationFn: () => ok(api.POST('/api/leaderboards/{id}/recalculate', { params: { path: { id: boardId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['board', boardId] }),
  });
  const state = board.data?.standings?.state;
  return (
    <>
      {state && (
        <span>
          Board now: <span className={`state ${state}`} aria-label={`State of ${name}`}>{state}</span>{' '}
        </span>
      )}
      {state === 'FAILED' && (
        <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending} aria-label={`Retry ${name}`}>
          Retry
        </button>
      )}
      {retry.isSuccess && state === 'FAILED' && <span role="status"> Retry queued…</span>}
      <ErrorMessage error={retry.error} />
    </>
  );
}
