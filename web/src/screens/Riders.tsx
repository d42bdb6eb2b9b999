import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { reasonHeaders } from '../logic';
import { Link } from '../router';
import { EditPanel, useEditForm } from '../edit-panel';
import { ConfirmButton, ErrorMessage, Field, Head, HistoryLink, Loading, ReasonField, ServerPager } from '../ui';

type Rider = components['schemas']['RiderDetailView'];
type RiderItem = components['schemas']['RiderListItemView'];

const RIDERS_PAGE = 20;
const fullName = (r: { firstName: string; lastName: string }) => `${r.firstName} ${r.lastName}`;

/** Riders matching a search (GET /api/participants: a name's prefix, accents and case ignored, or a licence), a page at a time. */
function useRiderSearch(q: string, page: number, enabled = true) {
  return useQuery({
    queryKey: ['riders', 'search', q, page],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () => ok(api.GET('/api/participants', { params: { query: { ...(q ? { q } : {}), offset: page * RIDERS_PAGE, limit: RIDERS_PAGE } } })),
  });
}

function SearchForm({ label, name, onSearch }: { label: string; name: string; onSearch: (q: string) => void }) {
  const [typed, setTyped] = useState('');
  return (
    <form
      role="search"
      aria-label={name}
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(typed.trim());
      }}
    >
      <Field label={label} hint="The start of a first or last name, or a licence">
        <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </Field>
      <button type="submit">Search</button>
    </form>
  );
}

/** The riders list: search, then open one. */
export function RidersScreen() {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const found = useRiderSearch(q, page);
  return (
    <>
      <h1>Riders</h1>
      <SearchForm
        label="Find a rider"
        name="Rider search"
        onSearch={(text) => {
          setQ(text);
          setPage(0);
        }}
      />
      <ErrorMessage error={found.error} />
      {!found.data && !found.error && <Loading what="the riders" />}
      {found.data && found.data.total === 0 && <p>{q ? `No rider matches “${q}”.` : 'No riders yet.'}</p>}
      {found.data && found.data.items.length > 0 && (
        <RiderTable riders={found.data.items} action={(r) => <Link to={`/riders/${r.id}`}>{fullName(r)}</Link>} />
      )}
      {found.data && <ServerPager label="Riders" page={page} size={RIDERS_PAGE} total={found.data.total} onPage={setPage} />}
    </>
  );
}

function RiderTable({ riders, action, caption = 'Riders found' }: { riders: RiderItem[]; action: (r: RiderItem) => ReactNode; caption?: string }) {
  return (
    <div className="scroll">
      <table>
        <caption className="sr-only">{caption}</caption>
        <Head columns={['Rider', 'Licence', 'Results']} />
        <tbody>
          {riders.map((r) => (
            <tr key={r.id}>
              <td>{action(r)}</td>
              <td>{r.externalId ?? '—'}</td>
              <td>{r.results}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One rider: every result across series, the name and licence, the aliases, and merging a duplicate in. */
export function RiderScreen({ id }: { id: number }) {
  const rider = useQuery({ queryKey: ['riders', id], retry: false, queryFn: () => ok(api.GET('/api/participants/{id}', { params: { path: { id } } })) });
  if (rider.error) return <ErrorMessage error={rider.error} />;
  if (!rider.data) return <Loading what="the rider" />;
  const r = rider.data;
  return (
    <>
      <p>
        <Link to="/riders">← Riders</Link>
      </p>
      <h1>{fullName(r)}</h1>
      <p>
        Rider {r.id}
        {r.externalId && <> · licence {r.externalId}</>} · <HistoryLink entity="participant" id={r.id} />
      </p>
      <EditRider rider={r} />
      <Results rider={r} />
      <div className="columns">
        <Aliases rider={r} />
        <MergeIn rider={r} />
      </div>
    </>
  );
}

function Results({ rider }: { rider: Rider }) {
  return (
    <section aria-labelledby="rider-results">
      <h2 id="rider-results">Results ({rider.results.length})</h2>
      {rider.results.length === 0 && <p>No results.</p>}
      {rider.results.length > 0 && (
        <div className="scroll">
          <table>
            <Head columns={['Date', 'Series', 'Event', 'Category', 'Place', 'Set', 'Points']} />
            <tbody>
              {rider.results.map((x) => (
                <tr key={x.resultId}>
                  <td>{x.date}</td>
                  <td>
                    <Link to={`/series/${x.seriesId}`}>{x.seriesName}</Link>
                  </td>
                  <td>
                    <Link to={`/series/${x.seriesId}/events/${x.eventId}`}>{x.eventName}</Link>
                  </td>
                  <td>{x.category}</td>
                  <td>{x.position ?? x.status}</td>
                  <td>
                    <Link to={`/result-sets/${x.resultSetId}`}>{x.state}</Link>
                  </td>
                  <td>{x.points.map((p) => `${p.leaderboardName}: ${p.points}${p.counted ? '' : ' (dropped)'}`).join('; ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function EditRider({ rider }: { rider: Rider }) {
  const queries = useQueryClient();
  const edit = useEditForm(
    () => ({ firstName: rider.firstName, lastName: rider.lastName, externalId: rider.externalId ?? '', reason: '' }),
    (f) =>
      ok(
        api.PATCH('/api/participants/{id}', {
          params: { path: { id: rider.id } },
          headers: reasonHeaders(f.reason),
          body: { firstName: f.firstName, lastName: f.lastName, externalId: f.externalId.trim() || null },
        }),
      ),
    () => queries.invalidateQueries({ queryKey: ['riders'] }),
  );
  const { f, setF } = edit;
  return (
    <>
      {!edit.open && (
        <button type="button" onClick={edit.start}>
          Edit rider
        </button>
      )}
      <EditPanel form={edit} title="Edit the rider" saveLabel="Save rider">
        <Field label="Rider's first name">
          <input value={f.firstName} onChange={(e) => setF({ ...f, firstName: e.target.value })} required />
        </Field>
        <Field label="Rider's last name">
          <input value={f.lastName} onChange={(e) => setF({ ...f, lastName: e.target.value })} required />
        </Field>
        <Field label="Licence" hint="Empty: none. Standings show the new name after their next recalculation.">
          <input value={f.externalId} onChange={(e) => setF({ ...f, externalId: e.target.value })} />
        </Field>
      </EditPanel>
    </>
  );
}

/** Other spellings and licences that imports match to this rider (kept by merges); one can be removed. */
function Aliases({ rider }: { rider: Rider }) {
  const queries = useQueryClient();
  const remove = useMutation({
    mutationFn: (aliasId: number) => ok(api.DELETE('/api/participants/{id}/aliases/{aliasId}', { params: { path: { id: rider.id, aliasId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['riders', rider.id] }),
  });
  return (
    <section aria-labelledby="aliases">
      <h2 id="aliases">Also known as</h2>
      {rider.aliases.length === 0 && <p>No aliases: imports match this rider by licence, or by name and group.</p>}
      <ul>
        {rider.aliases.map((a) => (
          <li key={a.id}>
            {fullName(a)}
            {a.externalId && <> (licence {a.externalId})</>} <small>from rider {a.mergedFrom}</small>{' '}
            <ConfirmButton label={`Remove alias ${fullName(a)}`} confirmLabel="Yes, remove the alias" onConfirm={() => remove.mutate(a.id)} disabled={remove.isPending} />
          </li>
        ))}
      </ul>
      <ErrorMessage error={remove.error} />
    </section>
  );
}

/**
 * Merging a duplicate into this rider (POST /api/participants/:duplicate/merge { intoId: this }):
 * the duplicate's results move here, its name and licence become an alias, and it is deleted.
 * Final, so it confirms; a 409 (both in one race) says which race to fix.
 */
function MergeIn({ rider }: { rider: Rider }) {
  const queries = useQueryClient();
  const [q, setQ] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const [reason, setReason] = useState('');
  const found = useRiderSearch(q ?? '', page, q !== null);
  const merge = useMutation({
    mutationFn: (duplicate: RiderItem) => ok(api.POST('/api/participants/{id}/merge', { params: { path: { id: duplicate.id } }, headers: reasonHeaders(reason), body: { intoId: rider.id } })),
    onSuccess: () => {
      setReason('');
      return queries.invalidateQueries({ queryKey: ['riders'] });
    },
  });
  // A disabled query still reads the cache (the riders list's search for ''): nothing before a search.
  const searched = q !== null ? found.data : undefined;
  const others = (searched?.items ?? []).filter((r) => r.id !== rider.id);
  return (
    <section aria-labelledby="merge">
      <h2 id="merge">Merge a duplicate into {fullName(rider)}</h2>
      <p>The duplicate's results move to this rider, its name becomes an alias, and it is deleted. A merge cannot be undone; it is kept in the audit log.</p>
      <SearchForm
        label="Find the duplicate"
        name="Duplicate search"
        onSearch={(text) => {
          setQ(text);
          setPage(0);
          merge.reset();
        }}
      />
      <ReasonField value={reason} onChange={setReason} label="Reason for the merge" />
      <ErrorMessage error={found.error ?? merge.error} />
      {merge.data && (
        <p role="status">
          Merged rider {merge.data.mergedId}: {merge.data.moved.results} result{merge.data.moved.results === 1 ? '' : 's'} moved; {merge.data.leaderboardIds.length} board{merge.data.leaderboardIds.length === 1 ? '' : 's'} to recalculate.
          {merge.data.moved.supersededResultsDropped > 0 && ` ${merge.data.moved.supersededResultsDropped} result${merge.data.moved.supersededResultsDropped === 1 ? '' : 's'} dropped from superseded versions of races both riders were in (listed in the audit log).`}
        </p>
      )}
      {searched && others.length === 0 && <p>No other rider matches “{q}”.</p>}
      {others.length > 0 && (
        <RiderTable
          caption="Possible duplicates"
          riders={others}
          action={(r) => (
            <>
              <Link to={`/riders/${r.id}`}>{fullName(r)}</Link> <small>(rider {r.id})</small>{' '}
              <ConfirmButton label={`Merge ${fullName(r)} (rider ${r.id}) into this rider`} confirmLabel={`Yes, merge rider ${r.id} into ${fullName(rider)}`} onConfirm={() => merge.mutate(r)} disabled={merge.isPending} />
            </>
          )}
        />
      )}
      {searched && <ServerPager label="Duplicates" page={page} size={RIDERS_PAGE} total={searched.total} onPage={setPage} />}
    </section>
  );
}
