import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { Link, navigate } from '../router';
import { ErrorMessage, Field, Head, Loading, ServerPager } from '../ui';

/**
 * Series: the paged list of every series (GET /api/series, newest season first, filtered by `q`)
 * as the home screen, and a form to create one.
 */
export function HomeScreen() {
  return (
    <>
      <h1>Series</h1>
      <div className="columns">
        <SeriesList />
        <CreateSeries />
      </div>
    </>
  );
}

const SERIES_PAGE = 20;

function SeriesList() {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const list = useQuery({
    queryKey: ['series', 'list', q, page],
    placeholderData: keepPreviousData,
    queryFn: () => ok(api.GET('/api/series', { params: { query: { ...(q ? { q } : {}), offset: page * SERIES_PAGE, limit: SERIES_PAGE } } })),
  });
  // Without `name` the answer is always a page; the union type is the endpoint's older `name` lookup.
  const data = list.data && !Array.isArray(list.data) ? list.data : null;
  return (
    <section aria-labelledby="all-series">
      <h2 id="all-series">All series</h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(typed.trim());
          setPage(0);
        }}
      >
        <Field label="Find a series" hint="Part of the name or the season">
          <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={list.error} />
      {!data && !list.error && <Loading what="the series" />}
      {data && data.total === 0 && <p>{q ? `No series matches “${q}”.` : 'No series yet: create the first one.'}</p>}
      {data && data.items.length > 0 && (
        <div className="scroll">
<table>
          <caption className="sr-only">Series, newest season first</caption>
          <Head columns={['Series', 'Season', 'Time zone']} />
          <tbody>
            {data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/series/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.season ?? '—'}</td>
                <td>{s.timeZone}</td>
              </tr>
            ))}
          </tbody>
        </table>
</div>
      )}
      {data && <ServerPager label="Series" page={page} size={SERIES_PAGE} total={data.total} onPage={setPage} />}
    </section>
  );
}

function CreateSeries() {
  const [form, setForm] = useState({ name: '', season: '', custom1: 'School', custom2: 'Club', custom3: 'Team' });
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST('/api/series', {
          body: {
            name: form.name,
            ...(form.season ? { season: form.season } : {}),
            customLabels: Object.fromEntries((['custom1', 'custom2', 'custom3'] as const).filter((k) => form[k].trim()).map((k) => [k, form[k].trim()])),
          },
        }),
      ),
    onSuccess: (s) => navigate(`/series/${s.id}`),
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="new-series">
      <h2 id="new-series">New series</h2>
      <form onSubmit={submit}>
        <Field label="Name">
          <input value={form.name} onChange={set('name')} required />
        </Field>
        <Field label="Season">
          <input value={form.season} onChange={set('season')} placeholder="2026" />
        </Field>
        <fieldset>
          <legend>Group labels (what riders' groups are called)</legend>
          <Field label="Label of group 1">
            <input value={form.custom1} onChange={set('custom1')} />
          </Field>
          <Field label="Label of group 2">
            <input value={form.custom2} onChange={set('custom2')} />
          </Field>
          <Field label="Label of group 3">
            <input value={form.custom3} onChange={set('custom3')} />
          </Field>
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create series
        </button>
        <ErrorMessage error={create.error} />
      </form>
    </section>
  );
}
