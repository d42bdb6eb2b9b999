import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type DragEvent, type FormEvent } from 'react';
import { api, ok, rawFetch } from '../api/client';
import { ApiError } from '../api/errors';
import type { components } from '../api/schema';
import { BASE, Link, navigate } from '../router';
import { reasonHeaders } from '../logic';
import { EditPanel, useEditForm } from '../edit-panel';
import { ConfirmButton, ErrorMessage, Field, Head, HistoryLink, Loading, Paged, ServerPager } from '../ui';
import { useSeries } from './Series';
import { Countdown } from './Board';

type ImportReport = components['schemas']['ImportReportView'];

/**
 * One event: its details (GET /api/events/:id) and their edit, its deletion, its result sets
 * (GET /api/events/:id/result-sets), an import onto it, or an empty result set.
 */
export function EventScreen({ seriesId, id }: { seriesId: number; id: number }) {
  const series = useSeries(seriesId);
  const event = useEvent(id);
  const queries = useQueryClient();
  const refreshSets = () => queries.invalidateQueries({ queryKey: ['event', id, 'sets'] });
  const e = event.data;
  return (
    <>
      <p>
        <Link to={`/series/${seriesId}`}>← {series.data?.name ?? 'Series'}</Link>
      </p>
      <h1>{e ? e.name : `Event ${id}`}</h1>
      {e && (
        <p>
          {e.date} · points ×{e.pointsMultiplier} {e.starred && '· starred'} · <HistoryLink entity="event" id={e.id} />
        </p>
      )}
      {e && e.seriesId !== seriesId && (
        <p role="alert" className="error">
          Event {id} belongs to <Link to={`/series/${e.seriesId}/events/${id}`}>another series</Link>.
        </p>
      )}
      <ErrorMessage error={event.error} />
      {e && <EventActions event={e} />}
      <div className="columns">
        <Import eventId={id} onImported={refreshSets} />
        <section aria-labelledby="sets">
          <h2 id="sets">Result sets</h2>
          <EventSets eventId={id} />
          <NewSet eventId={id} onCreated={refreshSets} />
        </section>
      </div>
    </>
  );
}

type EventView = components['schemas']['EventView'];

/** /events/:id (linked from a result set, which knows only its event): on to the event's page in its series. */
export function EventByIdScreen({ id }: { id: number }) {
  const event = useEvent(id);
  useEffect(() => {
    if (event.data) window.history.replaceState(null, '', `${BASE}/series/${event.data.seriesId}/events/${id}`);
  }, [event.data, id]);
  if (event.error) return <ErrorMessage error={event.error} />;
  if (!event.data) return <Loading what="the event" />;
  return <EventScreen seriesId={event.data.seriesId} id={id} />;
}

function useEvent(id: number) {
  return useQuery({ queryKey: ['event', id], queryFn: () => ok(api.GET('/api/events/{id}', { params: { path: { id } } })) });
}

const SETS_PAGE = 20;

function EventSets({ eventId }: { eventId: number }) {
  const [page, setPage] = useState(0);
  const sets = useQuery({
    queryKey: ['event', eventId, 'sets', page],
    placeholderData: keepPreviousData,
    queryFn: () => ok(api.GET('/api/events/{id}/result-sets', { params: { path: { id: eventId }, query: { offset: page * SETS_PAGE, limit: SETS_PAGE } } })),
  });
  if (sets.error) return <ErrorMessage error={sets.error} />;
  if (!sets.data) return <Loading what="the result sets" />;
  if (sets.data.total === 0) return <p>No result sets yet: import a file or start an empty set.</p>;
  return (
    <>
      <div className="scroll">
<table>
        <caption className="sr-only">Result sets of the event</caption>
        <Head columns={['Result set', 'Category', 'State', 'Rows', 'Updated']} />
        <tbody>
          {sets.data.items.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/result-sets/${r.id}`}>Set {r.id}</Link>
                {r.replacesId && <small> (revision of {r.replacesId})</small>}
              </td>
              <td>{r.category}</td>
              <td>
                <span className={`state ${r.state}`}>{r.state}</span>
              </td>
              <td>{r.rows}</td>
              <td>{new Date(r.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
</div>
      <ServerPager label="Result sets" page={page} size={SETS_PAGE} total={sets.data.total} onPage={setPage} />
    </>
  );
}

/** Edit the event's name, date, star and multiplier; delete it (refused with a 409 while it holds published results). */
function EventActions({ event }: { event: EventView }) {
  const queries = useQueryClient();
  const edit = useEditForm(
    () => ({ name: event.name, date: event.date, starred: event.starred, pointsMultiplier: String(event.pointsMultiplier), reason: '' }),
    (f) =>
      ok(
        api.PATCH('/api/events/{id}', {
          params: { path: { id: event.id } },
          headers: reasonHeaders(f.reason),
          body: { name: f.name, date: f.date, starred: f.starred, pointsMultiplier: Number(f.pointsMultiplier) },
        }),
      ),
    () => queries.invalidateQueries({ queryKey: ['event', event.id] }).then(() => queries.invalidateQueries({ queryKey: ['series', event.seriesId] })),
  );
  const remove = useMutation({
    mutationFn: () => ok(api.DELETE('/api/events/{id}', { params: { path: { id: event.id } } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['series', event.seriesId] });
      navigate(`/series/${event.seriesId}`);
    },
  });
  const { f, setF } = edit;
  return (
    <div>
      {!edit.open && (
        <p className="actions">
          <button type="button" onClick={edit.start}>
            Edit event
          </button>
          <ConfirmButton label="Delete event" confirmLabel="Yes, delete the event and its unpublished results" onConfirm={() => remove.mutate()} disabled={remove.isPending} />
        </p>
      )}
      <ErrorMessage error={remove.error} />
      <EditPanel form={edit} title="Edit the event" saveLabel="Save event">
        <Field label="Event name">
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} required />
        </Field>
        <Field label="Date">
          <input type="date" value={f.date} onChange={(e) => setF({ ...f, date: e.target.value })} required />
        </Field>
        <Field label="Points multiplier" hint="2 for a double-points round; the boards it feeds are recalculated">
          <input type="number" min={0} step="0.5" value={f.pointsMultiplier} onChange={(e) => setF({ ...f, pointsMultiplier: e.target.value })} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={f.starred} onChange={(e) => setF({ ...f, starred: e.target.checked })} /> Starred (counts on boards limited to starred events)
        </label>
      </EditPanel>
    </div>
  );
}

function NewSet({ eventId, onCreated }: { eventId: number; onCreated: () => void }) {
  const [category, setCategory] = useState('');
  const [state, setState] = useState<'DRAFT' | 'PROVISIONAL'>('PROVISIONAL');
  const create = useMutation({
    mutationFn: () => ok(api.POST('/api/events/{id}/result-sets', { params: { path: { id: eventId } }, body: { category, state } })),
    onSuccess: async (s) => {
      await onCreated();
      navigate(`/result-sets/${s.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="new-set">
      <h3 id="new-set">Empty result set</h3>
      <Field label="Category of the new set">
        <input value={category} onChange={(e) => setCategory(e.target.value)} required />
      </Field>
      <StatePicker value={state} onChange={setState} label="State of the new set" />
      <button type="submit">Create result set</button>
      <ErrorMessage error={create.error} />
    </form>
  );
}

function StatePicker({ value, onChange, label }: { value: 'DRAFT' | 'PROVISIONAL'; onChange: (v: 'DRAFT' | 'PROVISIONAL') => void; label: string }) {
  return (
    <Field label={label} hint="PROVISIONAL results feed the boards at once; a DRAFT feeds nothing until it is published.">
      <select value={value} onChange={(e) => onChange(e.target.value as 'DRAFT' | 'PROVISIONAL')}>
        <option value="PROVISIONAL">Provisional (feeds the boards)</option>
        <option value="DRAFT">Draft (feeds nothing yet)</option>
      </select>
    </Field>
  );
}

function Import({ eventId, onImported }: { eventId: number; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [category, setCategory] = useState('');
  const [state, setState] = useState<'DRAFT' | 'PROVISIONAL'>('PROVISIONAL');
  const [over, setOver] = useState(false);
  const upload = useMutation({
    mutationFn: async (f: File) => {
      const form = new FormData();
      form.append('file', f);
      if (category.trim()) form.append('category', category.trim());
      form.append('state', state);
      return (await (await rawFetch(`/api/events/${eventId}/results/import`, { method: 'POST', body: form })).json()) as ImportReport;
    },
    onSuccess: onImported,
  });
  const csv = file?.name.toLowerCase().endsWith('.csv') ?? false;
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const dropped = e.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  };
  return (
    <section aria-labelledby="import">
      <h2 id="import">Import results</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload.mutate(file);
        }}
      >
        <div
          className={`dropzone${over ? ' over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          data-testid="dropzone"
        >
          <p>Drop an .xlsx or .csv file here, or choose one.</p>
          <Field label="Results file">
            <input type="file" accept=".xlsx,.csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </Field>
          {file && <p>Chosen: {file.name}</p>}
        </div>
        <Field label="Category for rows without one" hint={csv ? 'Needed when the CSV has no Category column.' : 'Workbooks take the category from each sheet or a Category column.'}>
          <input value={category} onChange={(e) => setCategory(e.target.value)} />
        </Field>
        <StatePicker value={state} onChange={setState} label="Import as" />
        <button type="submit" disabled={!file || upload.isPending}>
          Import
        </button>
        {upload.isPending && <progress aria-label="Importing">Importing…</progress>}
      </form>
      {upload.error && <ImportProblems error={upload.error} />}
      {upload.data && <ImportSummary report={upload.data} />}
    </section>
  );
}

function ImportProblems({ error }: { error: unknown }) {
  const problems = error instanceof ApiError ? error.importProblems : [];
  if (problems.length === 0) return <ErrorMessage error={error} />;
  const total = (error as ApiError).body?.totalErrors ?? problems.length;
  return (
    <div role="alert" className="problems">
      <p className="error">Nothing was imported: {total} problem{total === 1 ? '' : 's'} in the file.</p>
      <Paged items={problems} label="Problems">
        {(page) => (
          <table>
            <caption>Problems by sheet, row and column</caption>
            <Head columns={['Sheet', 'Row', 'Column', 'Problem']} />
            <tbody>
              {page.map((p, i) => (
                <tr key={i}>
                  <td>{p.sheet ?? '—'}</td>
                  <td>{p.row}</td>
                  <td>{p.column ?? '—'}</td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Paged>
    </div>
  );
}

function ImportSummary({ report }: { report: ImportReport }) {
  const boards = useQueries({
    queries: report.leaderboardIds.map((id) => ({ queryKey: ['board', id], queryFn: () => ok(api.GET('/api/leaderboards/{id}', { params: { path: { id } } })) })),
  });
  return (
    <div role="status" className="summary">
      <p>
        Imported {report.rows} rows from the {report.format} file.
      </p>
      <ul>
        {report.categories.map((c) => (
          <li key={c.resultSetId}>
            {c.category}: <Link to={`/result-sets/${c.resultSetId}`}>result set {c.resultSetId}</Link> {c.action} ({c.rows} rows, {c.state})
            {c.warnings.map((w) => (
              <div key={w} className="warning">
                Warning: {w}
              </div>
            ))}
          </li>
        ))}
      </ul>
      {[...report.warnings, ...report.unknownColumns.map((c) => `Column "${c}" was not recognised and was ignored`)].map((w) => (
        <p key={w} className="warning">
          Warning: {w}
        </p>
      ))}
      {boards.length > 0 && (
        <>
          <h3>Boards to recalculate</h3>
          <ul>
            {boards.map((b, i) => (
              <li key={report.leaderboardIds[i]}>
                <Link to={`/boards/${report.leaderboardIds[i]}`}>{b.data?.name ?? `Board ${report.leaderboardIds[i]}`}</Link>
                {b.data?.pending ? <> · recalculation due <Countdown dueAt={b.data.pending.dueAt} /></> : b.data ? ' · nothing pending' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
