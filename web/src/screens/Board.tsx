import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useState } from 'react';
import { api, ok } from '../api/client';
import { countdown, describePhases, eventCells, explainBoard } from '../logic';
import { Link } from '../router';
import { ErrorMessage, Head, Loading, HistoryLink } from '../ui';
import { useEvents } from './Series';

const STANDINGS_PAGE = 50;

export function useBoard(id: number) {
  return useQuery({
    queryKey: ['board', id],
    queryFn: () => ok(api.GET('/api/leaderboards/{id}', { params: { path: { id } } })),
    // While a recalculation is pending or running, follow it closely; otherwise the SSE indicator refreshes it.
    refetchInterval: (q) => (q.state.data?.pending || q.state.data?.lastRun?.status === 'queued' || q.state.data?.lastRun?.status === 'running' ? 1000 : false),
  });
}

/** "in 12 s", ticking each second until dueAt. */
export function Countdown({ dueAt }: { dueAt: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span className="countdown">{countdown(dueAt, now)}</span>;
}

export function BoardScreen({ id }: { id: number }) {
  const board = useBoard(id);
  const queries = useQueryClient();
  const scale = useQuery({
    queryKey: ['scale', board.data?.pointsScaleId],
    enabled: !!board.data,
    queryFn: () => ok(api.GET('/api/points-scales/{id}', { params: { path: { id: board.data!.pointsScaleId } } })),
  });
  const now = useMutation({
    mutationFn: () => ok(api.POST('/api/leaderboards/{id}/recalculate', { params: { path: { id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['board', id] }),
  });
  if (board.error) return <ErrorMessage error={board.error} />;
  if (!board.data) return <Loading what="the board" />;
  const b = board.data;
  const state = b.standings?.state;
  return (
    <>
      <p>
        <Link to={`/series/${b.seriesId}`}>← Series</Link> · <HistoryLink entity="leaderboard" id={b.id} />
      </p>
      <h1>
        {b.name} <span className={`state ${state ?? ''}`}>{state ?? 'not computed yet'}</span>
      </h1>
      <section aria-labelledby="rules">
        <h2 id="rules">Rules</h2>
        <ul>
          {explainBoard(b, scale.data?.name).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <Link to={`/boards/${id}/edit`} className="button">
          Edit board
        </Link>
      </section>
      <section aria-labelledby="recalc" className="recalc">
        <h2 id="recalc">Recalculation</h2>
        {b.standings?.errorMessage && (
          <p className="error" role="alert">
            Failed: {b.standings.errorMessage}
          </p>
        )}
        {b.pending ? (
          <p role="status">
            Recalculation pending: due <Countdown dueAt={b.pending.dueAt} />
          </p>
        ) : (
          <p role="status">{b.lastRun?.status === 'running' || b.lastRun?.status === 'queued' ? `Recalculation ${b.lastRun.status}…` : 'Standings are up to date with the results.'}</p>
        )}
        <button type="button" onClick={() => now.mutate()} disabled={now.isPending}>
          Recalculate now
        </button>
        <ErrorMessage error={now.error} />
      </section>
      <Standings boardId={id} seriesId={b.seriesId} version={`${b.standings?.computedAt}`} />
      <Runs boardId={id} version={`${b.lastRun?.jobId}-${b.lastRun?.status}`} />
    </>
  );
}

function Standings({ boardId, seriesId, version }: { boardId: number; seriesId: number; version: string }) {
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const events = useEvents(seriesId);
  const standings = useQuery({
    queryKey: ['standings', boardId, offset, version],
    queryFn: () => ok(api.GET('/api/leaderboards/{id}/standings', { params: { path: { id: boardId }, query: { offset, limit: STANDINGS_PAGE } } })),
    retry: false,
  });
  const data = standings.data;
  // Columns: the series' events that appear in this page's breakdowns, in date order.
  const shown = new Set(data?.entries.flatMap((e) => eventCells(e.breakdown, (events.data ?? []).map((ev) => ev.id)).flatMap((c, i) => (c ? [events.data![i].id] : []))) ?? []);
  const columns = (events.data ?? []).filter((e) => shown.has(e.id));
  return (
    <section aria-labelledby="standings">
      <h2 id="standings">Standings</h2>
      {standings.error && <ErrorMessage error={standings.error} />}
      {data && data.entries.length === 0 && <p>No entries yet.</p>}
      {data && data.entries.length > 0 && (
        <div className="scroll">
          <table className="standings">
            <caption className="sr-only">Standings</caption>
            <thead>
              <tr>
                <th scope="col">Pos</th>
                <th scope="col">Name</th>
                {columns.map((e) => (
                  <th scope="col" key={e.id}>
                    {e.name}
                  </th>
                ))}
                <th scope="col">Points</th>
                <th scope="col">
                  <span className="sr-only">Breakdown</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <Fragment key={e.key}>
                  <tr>
                    <td>{e.position ?? '—'}</td>
                    <td>
                      {e.name}
                      {e.group && <small> {e.group}</small>}
                    </td>
                    {eventCells(e.breakdown, columns.map((c) => c.id)).map((c, i) => (
                      <td key={columns[i].id} className={c?.dropped ? 'dropped' : undefined}>
                        {c ? (c.dropped ? `(${c.points})` : c.points) : ''}
                      </td>
                    ))}
                    <td>
                      <strong>{e.points}</strong>
                    </td>
                    <td>
                      <button type="button" aria-expanded={open === e.key} onClick={() => setOpen(open === e.key ? null : e.key)}>
                        Details<span className="sr-only"> of {e.name}</span>
                      </button>
                    </td>
                  </tr>
                  {open === e.key && (
                    <tr className="breakdown">
                      <td colSpan={columns.length + 4}>
                        <Breakdown breakdown={e.breakdown} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.total > STANDINGS_PAGE && (
        <nav aria-label="Standings pages" className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - STANDINGS_PAGE))}>
            Previous page
          </button>
          <span>
            {offset + 1}–{Math.min(offset + STANDINGS_PAGE, data.total)} of {data.total}
          </span>
          <button type="button" disabled={offset + STANDINGS_PAGE >= data.total} onClick={() => setOffset(offset + STANDINGS_PAGE)}>
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}

interface Line {
  eventName: string;
  category: string;
  place: number | null;
  status: string;
  points: number;
  reason?: string;
}

function Breakdown({ breakdown }: { breakdown: unknown }) {
  const b = breakdown as { counted?: Line[]; dropped?: Line[]; tieBreak?: string | null };
  const line = (l: Line) => `${l.eventName} (${l.category}): ${l.place ? `place ${l.place}` : l.status}, ${l.points} points`;
  return (
    <div>
      <ul>
        {(b.counted ?? []).map((l, i) => (
          <li key={`c${i}`}>Counted: {line(l)}</li>
        ))}
        {(b.dropped ?? []).map((l, i) => (
          <li key={`d${i}`}>
            Dropped: {line(l)}
            {l.reason ? ` — ${l.reason}` : ''}
          </li>
        ))}
      </ul>
      {b.tieBreak && <p>Tie-break: {b.tieBreak}</p>}
    </div>
  );
}

function Runs({ boardId, version }: { boardId: number; version: string }) {
  const runs = useQuery({ queryKey: ['runs', boardId, version], queryFn: () => ok(api.GET('/api/leaderboards/{id}/runs', { params: { path: { id: boardId }, query: { limit: 20 } } })) });
  return (
    <section aria-labelledby="runs">
      <h2 id="runs">Run history</h2>
      <ErrorMessage error={runs.error} />
      {runs.data && runs.data.length === 0 && <p>No runs yet.</p>}
      {runs.data && runs.data.length > 0 && (
        <div className="scroll" tabIndex={0} role="region" aria-label="Run history, scrolls sideways">
          {/* Wider than a phone: a scrolling region must take the keyboard's focus to be scrolled without a mouse. */}
          <table className="runs">
            <Head columns={['Queued', 'Trigger', 'Status', 'Waited', 'Ran', 'By phase', 'Rows written', 'Error']} />
            <tbody>
              {runs.data.map((r) => (
                <tr key={r.jobId}>
                  <td>{new Date(r.queuedAt).toLocaleTimeString()}</td>
                  <td>{r.trigger}</td>
                  <td>{r.status}</td>
                  <td>{r.startedAt ? `${ms(r.queuedAt, r.startedAt)} ms` : '—'}</td>
                  <td>{r.startedAt && r.finishedAt ? `${ms(r.startedAt, r.finishedAt)} ms` : '—'}</td>
                  <td>{describePhases(r.phases)}</td>
                  <td>{rowsWritten(r.rows)}</td>
                  <td>{r.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const ms = (from: string, to: string) => new Date(to).getTime() - new Date(from).getTime();

function rowsWritten(rows: unknown): string {
  if (!rows || typeof rows !== 'object') return '—';
  return Object.entries(rows as Record<string, number>)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}
