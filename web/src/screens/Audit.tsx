import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { describeChanges } from '../logic';
import { BASE } from '../router';
import { ErrorMessage, Field, Head, Loading, ServerPager } from '../ui';

type AuditQuery = NonNullable<import('../api/schema').operations['AuditController_list']['parameters']['query']>;
type Entity = components['schemas']['AuditRecordView']['entity'];

const ENTITIES: { value: Entity; label: string }[] = [
  { value: 'series', label: 'Series' },
  { value: 'event', label: 'Event' },
  { value: 'result_set', label: 'Result set' },
  { value: 'result', label: 'Result row' },
  { value: 'leaderboard', label: 'Board' },
  { value: 'points_scale', label: 'Points scale' },
  { value: 'participant', label: 'Rider' },
  { value: 'import', label: 'Import' },
  { value: 'recalculation', label: 'Recalculation' },
];

interface Filters {
  entity: string;
  entityId: string;
  actor: string;
  since: string;
}

/** The filters in the address (?entity=event&entityId=3): the "History" links open the log filtered. */
function filtersFromAddress(): Filters {
  const q = new URLSearchParams(window.location.search);
  return { entity: q.get('entity') ?? '', entityId: q.get('entityId') ?? '', actor: q.get('actor') ?? '', since: q.get('since') ?? '' };
}

function toQuery(f: Filters): AuditQuery {
  const since = f.since ? new Date(f.since) : null;
  return {
    ...(f.entity ? { entity: f.entity as Entity } : {}),
    ...(f.entityId.trim() ? { entityId: f.entityId.trim() } : {}),
    ...(f.actor.trim() ? { actor: f.actor.trim() } : {}),
    ...(since && !Number.isNaN(since.getTime()) ? { since: since.toISOString() } : {}),
  };
}

const AUDIT_PAGE = 25;

/** Who changed what, when and why (GET /api/audit), newest first, filtered and paged. */
export function AuditScreen() {
  const [form, setForm] = useState<Filters>(filtersFromAddress);
  const [applied, setApplied] = useState<Filters>(form);
  const [page, setPage] = useState(0);
  const log = useQuery({
    queryKey: ['audit', applied, page],
    placeholderData: keepPreviousData,
    queryFn: () => ok(api.GET('/api/audit', { params: { query: { ...toQuery(applied), offset: page * AUDIT_PAGE, limit: AUDIT_PAGE } } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(form);
    setPage(0);
    const q = new URLSearchParams(Object.entries(form).filter(([, v]) => v.trim() !== ''));
    window.history.replaceState(null, '', `${BASE}/audit${q.size > 0 ? `?${q}` : ''}`);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <>
      <h1>Audit log</h1>
      <form onSubmit={submit} className="inline" aria-label="Filters">
        <Field label="Kind of thing">
          <select value={form.entity} onChange={set('entity')}>
            <option value="">Everything</option>
            {ENTITIES.map((e) => (
              <option key={e.value} value={e.value}>
                {e.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Its id">
          <input value={form.entityId} onChange={set('entityId')} size={6} />
        </Field>
        <Field label="Changed by">
          <input value={form.actor} onChange={set('actor')} size={10} />
        </Field>
        <Field label="Since">
          <input type="datetime-local" value={form.since} onChange={set('since')} />
        </Field>
        <button type="submit">Show</button>
      </form>
      <ErrorMessage error={log.error} />
      {!log.data && !log.error && <Loading what="the audit log" />}
      {log.data && log.data.total === 0 && <p>Nothing recorded matches.</p>}
      {log.data && log.data.items.length > 0 && (
        <div className="scroll">
          <table className="audit">
            <caption>
              {log.data.total} change{log.data.total === 1 ? '' : 's'}, newest first
            </caption>
            <Head columns={['When', 'Who', 'What', 'Changes', 'Reason']} />
            <tbody>
              {log.data.items.map((r) => (
                <tr key={r.id}>
                  <td>{new Date(r.at).toLocaleString()}</td>
                  <td>{r.actor}</td>
                  <td>
                    {r.action} <small>
                      ({r.entity} {r.entityId})
                    </small>
                  </td>
                  <td>
                    <ul>
                      {describeChanges(r.changes).map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                    </ul>
                  </td>
                  <td>{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.data && <ServerPager label="Audit log" page={page} size={AUDIT_PAGE} total={log.data.total} onPage={setPage} />}
    </>
  );
}
