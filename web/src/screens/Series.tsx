import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { Link } from '../router';
import type { components } from '../api/schema';
import { reasonHeaders } from '../logic';
import { EditPanel, useEditForm } from '../edit-panel';
import { ErrorMessage, Field, Head, HistoryLink, Loading, Paged } from '../ui';

export function useSeries(id: number) {
  return useQuery({ queryKey: ['series', id], queryFn: () => ok(api.GET('/api/series/{id}', { params: { path: { id } } })) });
}

export function useEvents(seriesId: number) {
  return useQuery({
    queryKey: ['series', seriesId, 'events'],
    // Without `paged` the answer is the plain array (the union is the endpoint's paged form).
    queryFn: async () => {
      const answer = await ok(api.GET('/api/series/{id}/events', { params: { path: { id: seriesId } } }));
      return Array.isArray(answer) ? answer : answer.items;
    },
  });
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
        {labels.length > 0 && <> · groups: {labels.join(', ')}</>} · <HistoryLink entity="series" id={s.id} />
      </p>
      <EditSeries series={s} />
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

type SeriesView = components['schemas']['SeriesView'];
const LABELS = ['custom1', 'custom2', 'custom3'] as const;

/** Name, season, time zone and group labels of a series (PATCH /api/series/:id), behind a button. */
function EditSeries({ series }: { series: SeriesView }) {
  const queries = useQueryClient();
  const edit = useEditForm(
    () =>
      ({
        name: series.name,
        season: series.season ?? '',
        timeZone: series.timeZone,
        ...Object.fromEntries(LABELS.map((k) => [k, series.customLabels?.[k] ?? ''])),
        reason: '',
      }) as Record<'name' | 'season' | 'timeZone' | 'reason' | (typeof LABELS)[number], string>,
    (f) =>
      ok(
        api.PATCH('/api/series/{id}', {
          params: { path: { id: series.id } },
          headers: reasonHeaders(f.reason),
          body: {
            name: f.name,
            ...(f.season.trim() ? { season: f.season.trim() } : {}),
            timeZone: f.timeZone,
            customLabels: Object.fromEntries(LABELS.filter((k) => f[k].trim()).map((k) => [k, f[k].trim()])),
          },
        }),
      ),
    () => queries.invalidateQueries({ queryKey: ['series'] }),
  );
  const { f, setF } = edit;
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <>
      {!edit.open && (
        <button type="button" onClick={edit.start}>
          Edit series
        </button>
      )}
      <EditPanel form={edit} title="Edit the series" saveLabel="Save series">
        <Field label="Series name">
          <input value={f.name} onChange={set('name')} required />
        </Field>
        <Field label="Season">
          <input value={f.season} onChange={set('season')} />
        </Field>
        <Field label="Time zone" hint="An IANA name, e.g. Europe/London: event dates are days in this zone">
          <input value={f.timeZone} onChange={set('timeZone')} required />
        </Field>
        <fieldset>
          <legend>Group labels</legend>
          {LABELS.map((k, i) => (
            <Field key={k} label={`Label of group ${i + 1}`}>
              <input value={f[k]} onChange={set(k)} />
            </Field>
          ))}
        </fieldset>
      </EditPanel>
    </>
  );
}
