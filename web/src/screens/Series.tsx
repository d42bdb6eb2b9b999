import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { Link } from '../router';
import { ErrorMessage, Field, Head, Loading, Paged } from '../ui';

export function useSeries(id: number) {
  return useQuery({ queryKey: ['series', id], queryFn: () => ok(api.GET('/api/series/{id}', { params: { path: { id } } })) });
}

export function useEvents(seriesId: number) {
  return useQuery({ queryKey: ['series', seriesId, 'events'], queryFn: () => ok(api.GET('/api/series/{id}/events', { params: { path: { id: seriesId } } })) });
}

export function useBoards(seriesId: number) {
  return useQuery({ queryKey: ['series', seriesId, 'boards'], queryFn: () => ok(api.GET('/api/leaderboards', { params: { query: { seriesId } } })) });
}

export function SeriesScreen({ id }: { id: number }) {
  const series = useSeries(id);
  if (series.error) return <ErrorMessage error={series.error} />;
  if (!series.data) return <Loading what="the series" />;
  const s = series.data;
  const labels = Object.values(s.customLabels ?? {}).filter(Boolean);
  return (
    <>
      <h1>
        {s.name} {s.season && <small>{s.season}</small>}
      </h1>
      <p>
        Series {s.id} · time zone {s.timeZone}
        {labels.length > 0 && <> · groups: {labels.join(', ')}</>}
      </p>
      <div className="columns">
        <Events seriesId={id} />
        <Boards seriesId={id} />
      </div>
    </>
  );
}

function Events({ seriesId }: { seriesId: number }) {
  const events = useEvents(seriesId);
  return (
    <section aria-labelledby="events">
      <h2 id="events">Events</h2>
      <ErrorMessage error={events.error} />
      {events.data && events.data.length === 0 && <p>No events yet.</p>}
      {events.data && events.data.length > 0 && (
        <Paged items={events.data} label="Events">
          {(page) => (
            <table>
              <caption className="sr-only">Events of the series</caption>
              <Head columns={['Date', 'Event', 'Points ×']} />
              <tbody>
                {page.map((e) => (
                  <tr key={e.id}>
                    <td>{e.date}</td>
                    <td>
                      <Link to={`/series/${seriesId}/events/${e.id}`}>{e.name}</Link> {e.starred && <span aria-label="starred">★</span>}
                    </td>
                    <td>{e.pointsMultiplier}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Paged>
      )}
      <CreateEvent seriesId={seriesId} />
    </section>
  );
}

function CreateEvent({ seriesId }: { seriesId: number }) {
  const queries = useQueryClient();
  const [form, setForm] = useState({ name: '', date: '', starred: false, pointsMultiplier: '1' });
  const create = useMutation({
    mutationFn: () =>
      ok(api.POST('/api/series/{id}/events', { params: { path: { id: seriesId } }, body: { name: form.name, date: form.date, starred: form.starred, pointsMultiplier: Number(form.pointsMultiplier) } })),
    onSuccess: () => {
      setForm({ name: '', date: '', starred: false, pointsMultiplier: '1' });
      return queries.invalidateQueries({ queryKey: ['series', seriesId, 'events'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="new-event">
      <h3 id="new-event">New event</h3>
      <Field label="Event name">
        <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
      </Field>
      <Field label="Date">
        <input type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} required />
      </Field>
      <Field label="Points multiplier" hint="2 for a double-points round">
        <input type="number" min={0} step="0.5" value={form.pointsMultiplier} onChange={(e) => setForm({ ...form, pointsMultiplier: e.target.value })} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={form.starred} onChange={(e) => setForm({ ...form, starred: e.target.checked })} /> Starred (counts on boards limited to starred events)
      </label>
      <button type="submit" disabled={create.isPending}>
        Create event
      </button>
      <ErrorMessage error={create.error} />
    </form>
  );
}

function Boards({ seriesId }: { seriesId: number }) {
  const boards = useBoards(seriesId);
  const queries = useQueryClient();
  const all = useMutation({
    mutationFn: () => ok(api.POST('/api/leaderboards/recalculate-all', { params: { query: { seriesId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['series', seriesId, 'boards'] }),
  });
  return (
    <section aria-labelledby="boards">
      <h2 id="boards">Boards</h2>
      <ErrorMessage error={boards.error} />
      {boards.data && boards.data.length === 0 && <p>No boards yet.</p>}
      {boards.data && boards.data.length > 0 && (
        <Paged items={boards.data} label="Boards">
          {(page) => (
            <ul>
              {page.map((b) => (
                <li key={b.id}>
                  <Link to={`/boards/${b.id}`}>{b.name}</Link> <span className={`state ${b.standings?.state ?? ''}`}>{b.standings?.state ?? 'not computed'}</span>
                  {b.pending && <span> · recalculation pending</span>}
                </li>
              ))}
            </ul>
          )}
        </Paged>
      )}
      <p className="actions">
        <Link to={`/series/${seriesId}/boards/new`} className="button">
          New board
        </Link>
        <button type="button" onClick={() => all.mutate()} disabled={all.isPending}>
          Recalculate the whole series
        </button>
      </p>
      {all.data && <p role="status">{all.data.jobs.length} recalculations queued.</p>}
      <ErrorMessage error={all.error} />
    </section>
  );
}
