import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { Link, navigate } from '../router';
import { ErrorMessage, Field, Paged } from '../ui';

/**
 * Series: open one by id or find by exact name (GET /api/series?name=), and create one. The paged
 * list of every series arrives with issue 14's GET /api/series.
 */
export function HomeScreen() {
  return (
    <>
      <h1>Series</h1>
      <div className="columns">
        <FindSeries />
        <CreateSeries />
      </div>
    </>
  );
}

function FindSeries() {
  const [name, setName] = useState('');
  const [search, setSearch] = useState<string | null>(null);
  const [id, setId] = useState('');
  const found = useQuery({
    queryKey: ['series', 'byName', search],
    enabled: search !== null,
    queryFn: () => ok(api.GET('/api/series', { params: { query: { name: search! } } })),
  });
  return (
    <section aria-labelledby="find-series">
      <h2 id="find-series">Open a series</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (id) navigate(`/series/${Number(id)}`);
        }}
      >
        <Field label="Series id">
          <input type="number" min={1} value={id} onChange={(e) => setId(e.target.value)} />
        </Field>
        <button type="submit">Open</button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(name.trim());
        }}
      >
        <Field label="Series name">
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <button type="submit">Find</button>
      </form>
      <ErrorMessage error={found.error} />
      {found.data && found.data.length === 0 && <p>No series is called “{search}”.</p>}
      {found.data && found.data.length > 0 && (
        <Paged items={found.data} label="Series found">
          {(page) => (
            <ul>
              {page.map((s) => (
                <li key={s.id}>
                  <Link to={`/series/${s.id}`}>
                    {s.name} {s.season ?? ''}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Paged>
      )}
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
