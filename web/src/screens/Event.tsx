import { useMutation, useQueries } from '@tanstack/react-query';
import { useState, type DragEvent, type FormEvent } from 'react';
import { api, ok, rawFetch } from '../api/client';
import { ApiError } from '../api/errors';
import type { components } from '../api/schema';
import { Link, navigate } from '../router';
import { ErrorMessage, Field, Head, Paged } from '../ui';
import { useEvents, useSeries } from './Series';
import { Countdown } from './Board';

type ImportReport = components['schemas']['ImportReportView'];

/**
 * One event: import a spreadsheet onto it, or start an empty result set. The result sets of an
 * event are listed by issue 14's GET /api/events/:id/result-sets; until then the ones this tab
 * made are remembered (sessionStorage) and any can be opened by id.
 */
export function EventScreen({ seriesId, id }: { seriesId: number; id: number }) {
  const series = useSeries(seriesId);
  const events = useEvents(seriesId);
  const event = events.data?.find((e) => e.id === id);
  const [known, setKnown] = useState<number[]>(() => rememberedSets(id));
  const remember = (ids: number[]) => setKnown(rememberSets(id, ids));
  return (
    <>
      <p>
        <Link to={`/series/${seriesId}`}>← {series.data?.name ?? 'Series'}</Link>
      </p>
      <h1>{event ? `${event.name}` : `Event ${id}`}</h1>
      {event && (
        <p>
          {event.date} · points ×{event.pointsMultiplier} {event.starred && '· starred'}
        </p>
      )}
      {events.data && !event && <p role="alert" className="error">Series {seriesId} has no event {id}.</p>}
      <ErrorMessage error={events.error} />
      <div className="columns">
        <Import eventId={id} onImported={(r) => remember(r.categories.map((c) => c.resultSetId))} />
        <section aria-labelledby="sets">
          <h2 id="sets">Result sets</h2>
          {known.length === 0 && <p>No result sets opened from this tab yet.</p>}
          <Paged items={known} label="Result sets">
            {(page) => (
              <ul>
                {page.map((s) => (
                  <li key={s}>
                    <Link to={`/result-sets/${s}`}>Result set {s}</Link>
                  </li>
                ))}
              </ul>
            )}
          </Paged>
          <OpenSet />
          <NewSet eventId={id} onCreated={(s) => remember([s])} />
        </section>
      </div>
    </>
  );
}

const storageKey = (eventId: number) => `podium.event.${eventId}.sets`;
function rememberedSets(eventId: number): number[] {
  try {
    return JSON.parse(sessionStorage.getItem(storageKey(eventId)) ?? '[]') as number[];
  } catch {
    return [];
  }
}
function rememberSets(eventId: number, ids: number[]): number[] {
  const all = [...new Set([...ids, ...rememberedSets(eventId)])];
  sessionStorage.setItem(storageKey(eventId), JSON.stringify(all));
  return all;
}

function OpenSet() {
  const [id, setId] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (id) navigate(`/result-sets/${Number(id)}`);
      }}
    >
      <Field label="Result set id">
        <input type="number" min={1} value={id} onChange={(e) => setId(e.target.value)} />
      </Field>
      <button type="submit">Open result set</button>
    </form>
  );
}

function NewSet({ eventId, onCreated }: { eventId: number; onCreated: (id: number) => void }) {
  const [category, setCategory] = useState('');
  const [state, setState] = useState<'DRAFT' | 'PROVISIONAL'>('PROVISIONAL');
  const create = useMutation({
    mutationFn: () => ok(api.POST('/api/events/{id}/result-sets', { params: { path: { id: eventId } }, body: { category, state } })),
    onSuccess: (s) => {
      onCreated(s.id);
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

function Import({ eventId, onImported }: { eventId: number; onImported: (r: ImportReport) => void }) {
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
