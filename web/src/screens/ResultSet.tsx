import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { ApiError } from '../api/errors';
import type { components } from '../api/schema';
import { allowedTransitions, diffRows, editable, fieldText, reasonHeaders, redressText, type ResultRow, type ResultSetState } from '../logic';
import { Link, navigate } from '../router';
import { ConfirmButton, ErrorMessage, Field, Head, HistoryLink, Loading, Paged, ReasonField, Warnings } from '../ui';

type RowInput = components['schemas']['ResultRowDto'];
type Status = RowInput['status'];
/** Offered until the registry has answered (and if it cannot): the codes every scale scores. */
const COMMON_STATUSES: Status[] = ['FIN', 'DNF', 'DNS', 'DSQ'];

/** Every status a row may take: the built-in codes and the organiser's own (GET /api/status-codes), each with its meaning. */
function StatusOptions({ current }: { current: Status }) {
  const codes = useQuery({ queryKey: ['status-codes'], queryFn: () => ok(api.GET('/api/status-codes')), staleTime: 60_000 });
  const items = codes.data?.items ?? COMMON_STATUSES.map((code) => ({ code, label: '' }));
  // A row's status stays selectable even when the list does not hold it (a code not yet loaded).
  const listed = items.some((c) => c.code === current) ? items : [...items, { code: current, label: '' }];
  return (
    <>
      {listed.map((c) => (
        <option key={c.code} value={c.code} title={c.label || undefined}>{c.code}</option>
      ))}
    </>
  );
}

const TRANSITION_LABEL: Partial<Record<ResultSetState, string>> = {
  DRAFT: 'Back to draft',
  PROVISIONAL: 'Publish as provisional',
  APPROVED: 'Approve',
  DELETED: 'Delete result set',
};

function useResultSet(id: number) {
  return useQuery({ queryKey: ['result-set', id], queryFn: () => ok(api.GET('/api/result-sets/{id}', { params: { path: { id } } })) });
}

export function ResultSetScreen({ id }: { id: number }) {
  const set = useResultSet(id);
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  // The warnings of the last write (a DRAFT feeds no board until published), shown until the next.
  const [warnings, setWarnings] = useState<string[]>([]);
  const refresh = () => queries.invalidateQueries({ queryKey: ['result-set'] });
  const wrote = (answer: { warnings?: string[] }) => {
    setWarnings(answer.warnings ?? []);
    return refresh();
  };
  const transition = useMutation({
    mutationFn: (to: ResultSetState) => ok(api.POST('/api/result-sets/{id}/transitions', { params: { path: { id } }, headers: reasonHeaders(reason), body: { to } })),
    onSuccess: (answer) => {
      setReason('');
      return wrote(answer);
    },
  });
  const revise = useMutation({
    mutationFn: () => ok(api.POST('/api/result-sets/{id}/revisions', { params: { path: { id } }, headers: reasonHeaders(reason) })),
    onSuccess: (r) => navigate(`/result-sets/${r.id}`),
  });
  if (set.error) return <ErrorMessage error={set.error} />;
  if (!set.data) return <Loading what="the result set" />;
  const s = set.data;
  const canEdit = editable(s.state);
  return (
    <>
      <h1>
        {s.category} <span className={`state ${s.state}`}>{s.state}</span>
      </h1>
      <p>
        Result set {s.id}
        {s.eventId && (
          <>
            {' '}
            · <Link to={`/events/${s.eventId}`}>event {s.eventId}</Link>
          </>
        )}{' '}
        · <HistoryLink entity="result_set" id={s.id} />
        {s.replacesId && (
          <>
            {' '}
            · revision of <Link to={`/result-sets/${s.replacesId}`}>result set {s.replacesId}</Link>
          </>
        )}
        {s.replacedById && (
          <>
            {' '}
            · replaced by <Link to={`/result-sets/${s.replacedById}`}>result set {s.replacedById}</Link>
          </>
        )}
      </p>
      {s.errorMessage && <p className="error">{s.errorMessage}</p>}
      <Warnings warnings={warnings.length > 0 ? warnings : s.warnings} />
      {(allowedTransitions(s.state).length > 0 || s.state === 'APPROVED') && <ReasonField value={reason} onChange={setReason} label="Reason for the state change" />}
      <div className="actions" role="group" aria-label="State">
        {allowedTransitions(s.state)
          .filter((to) => to !== 'DELETED')
          .map((to) => (
            <button key={to} type="button" onClick={() => transition.mutate(to)} disabled={transition.isPending}>
              {s.replacesId && to !== 'DRAFT' ? `Publish revision (${to.toLowerCase()})` : TRANSITION_LABEL[to]}
            </button>
          ))}
        {s.state === 'APPROVED' && (
          <button type="button" onClick={() => revise.mutate()} disabled={revise.isPending}>
            Make a revision
          </button>
        )}
        {allowedTransitions(s.state).includes('DELETED') && <ConfirmButton label="Delete result set" confirmLabel="Yes, delete this result set" onConfirm={() => transition.mutate('DELETED')} />}
      </div>
      <ErrorMessage error={transition.error ?? revise.error} />
      {s.replacesId && s.state !== 'REPLACED' && <RevisionDiff originalId={s.replacesId} rows={s.results} />}
      <Rows rows={s.results} canEdit={canEdit} onChange={wrote} />
      {canEdit && <AddRow setId={id} onAdded={wrote} />}
    </>
  );
}

function RevisionDiff({ originalId, rows }: { originalId: number; rows: ResultRow[] }) {
  const original = useResultSet(originalId);
  if (!original.data) return <ErrorMessage error={original.error} />;
  const d = diffRows(original.data.results, rows);
  const name = (r: ResultRow) => `${r.participant.firstName} ${r.participant.lastName}`;
  const none = d.added.length + d.removed.length + d.changed.length === 0;
  return (
    <section aria-labelledby="diff" className="diff">
      <h2 id="diff">Changes against result set {originalId}</h2>
      {none && <p>No changes yet.</p>}
      <ul>
        {d.added.map((r) => (
          <li key={`a${r.id}`} className="added">
            Added: {name(r)} ({r.position ?? r.status})
          </li>
        ))}
        {d.removed.map((r) => (
          <li key={`r${r.id}`} className="removed">
            Removed: {name(r)} ({r.position ?? r.status})
          </li>
        ))}
        {d.changed.map((c) => (
          <li key={`c${c.after.id}`} className="changed">
            Changed: {name(c.after)}: {c.fields.map((f) => `${f} ${fieldText(c.before, f)} → ${fieldText(c.after, f)}`).join(', ')}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Wrote = (answer: { warnings?: string[] }) => unknown;

function Rows({ rows, canEdit, onChange }: { rows: ResultRow[]; canEdit: boolean; onChange: Wrote }) {
  const [editing, setEditing] = useState<number | null>(null);
  const remove = useMutation({ mutationFn: (rowId: number) => ok(api.DELETE('/api/results/{id}', { params: { path: { id: rowId } } })), onSuccess: () => onChange({}) });
  const sorted = [...rows].sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9));
  return (
    <section aria-labelledby="rows">
      <h2 id="rows">Results ({rows.length})</h2>
      <ErrorMessage error={remove.error} />
      <Paged items={sorted} size={50} label="Results">
        {(page) => (
          <div className="scroll">
            <table>
              <Head columns={['Place', 'Status', 'Bib', 'First name', 'Last name', 'Group', 'Actions']} />
              <tbody>
                {page.map((r) =>
                  editing === r.id ? (
                    <EditRow key={r.id} row={r} onDone={(answer) => { setEditing(null); onChange(answer); }} onCancel={() => setEditing(null)} />
                  ) : (
                    <tr key={r.id}>
                      <td>{r.position ?? '—'}</td>
                      <td>{r.status}{r.redress ? ` (${redressText(r.redress)})` : ''}</td>
                      <td>{r.bib ?? ''}</td>
                      <td>{r.participant.firstName}</td>
                      <td>{r.participant.lastName}</td>
                      <td>{r.custom1 ?? ''}</td>
                      <td className="actions">
                        <HistoryLink entity="result" id={r.id} aria-label={`History of ${r.participant.firstName} ${r.participant.lastName}`} />
                        {canEdit && (
                          <>
                          <button type="button" onClick={() => setEditing(r.id)} aria-label={`Edit ${r.participant.firstName} ${r.participant.lastName}`}>
                            Edit
                          </button>
                          <ConfirmButton label={`Delete ${r.participant.firstName} ${r.participant.lastName}`} confirmLabel="Yes, delete the row" onConfirm={() => remove.mutate(r.id)} />
                          </>
                        )}
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Paged>
    </section>
  );
}

/** Messages of a 400 for one field ("position"), shown beside its input. */
function problemFor(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.fieldProblems.find((p) => p.field === field || p.field?.endsWith(`.${field}`))?.message;
}

type Redress = components['schemas']['RedressDto'];

/**
 * The PATCH's redress from the stated-score input: a number sets it, emptied it clears a stated
 * score the row had, and otherwise the row's redress (an average, or none) is left as it is.
 */
function redressPatch(status: Status, input: string, before: Redress | null | undefined): { redress?: Redress | null } {
  if (status !== 'RDG') return {};
  if (input.trim() !== '') return { redress: { points: Number(input) } };
  return before?.points !== undefined ? { redress: null } : {};
}

function EditRow({ row, onDone, onCancel }: { row: ResultRow; onDone: Wrote; onCancel: () => void }) {
  const [v, setV] = useState({
    position: row.position?.toString() ?? '',
    status: row.status,
    bib: row.bib ?? '',
    firstName: row.participant.firstName,
    lastName: row.participant.lastName,
    redressPoints: row.redress?.points?.toString() ?? '',
    reason: '',
  });
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PATCH('/api/results/{id}', {
          params: { path: { id: row.id } },
          headers: reasonHeaders(v.reason),
          body: {
            position: v.position === '' ? null : Number(v.position),
            status: v.status,
            bib: v.bib === '' ? null : v.bib,
            ...redressPatch(v.status, v.redressPoints, row.redress),
            // The row's view carries the rider's id; the edit names the rider only.
            participant: { ...(row.participant.externalId ? { externalId: row.participant.externalId } : {}), firstName: v.firstName, lastName: v.lastName },
          },
        }),
      ),
    onSuccess: onDone,
  });
  const who = `${row.participant.firstName} ${row.participant.lastName}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <tr className="editing">
      <td>
        <input aria-label={`Place of ${who}`} type="number" min={1} value={v.position} onChange={(e) => setV({ ...v, position: e.target.value })} form={`row-${row.id}`} />
        {problemFor(save.error, 'position') && <small className="error">{problemFor(save.error, 'position')}</small>}
      </td>
      <td>
        <select aria-label={`Status of ${who}`} value={v.status} onChange={(e) => setV({ ...v, status: e.target.value as Status })} form={`row-${row.id}`}>
          <StatusOptions current={v.status} />
        </select>
        {v.status === 'RDG' && (
          <input
            aria-label={`Redress points of ${who}`}
            title="A stated score for this race (RRS A9); empty: the points scale's RDG rule, or the average given before"
            placeholder="Redress points"
            type="number"
            min={0}
            step={0.1}
            value={v.redressPoints}
            onChange={(e) => setV({ ...v, redressPoints: e.target.value })}
            form={`row-${row.id}`}
          />
        )}
        {problemFor(save.error, 'redress') && <small className="error">{problemFor(save.error, 'redress')}</small>}
      </td>
      <td>
        <input aria-label={`Bib of ${who}`} value={v.bib} onChange={(e) => setV({ ...v, bib: e.target.value })} form={`row-${row.id}`} />
      </td>
      <td>
        <input aria-label={`First name of ${who}`} value={v.firstName} onChange={(e) => setV({ ...v, firstName: e.target.value })} form={`row-${row.id}`} />
      </td>
      <td>
        <input aria-label={`Last name of ${who}`} value={v.lastName} onChange={(e) => setV({ ...v, lastName: e.target.value })} form={`row-${row.id}`} />
      </td>
      <td>
        <input aria-label={`Reason for the change to ${who}`} placeholder="Reason (optional)" maxLength={500} value={v.reason} onChange={(e) => setV({ ...v, reason: e.target.value })} form={`row-${row.id}`} />
      </td>
      <td className="actions">
        <form id={`row-${row.id}`} onSubmit={submit}>
          <button type="submit" disabled={save.isPending}>
            Save
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </form>
        {save.error !== null && <ErrorMessage error={save.error} />}
      </td>
    </tr>
  );
}

function AddRow({ setId, onAdded }: { setId: number; onAdded: Wrote }) {
  const empty = { position: '', status: 'FIN' as Status, bib: '', firstName: '', lastName: '' };
  const [v, setV] = useState(empty);
  const add = useMutation({
    mutationFn: () =>
      ok(
        api.POST('/api/result-sets/{id}/results', {
          params: { path: { id: setId } },
          body: {
            participant: { firstName: v.firstName, lastName: v.lastName },
            status: v.status,
            ...(v.position ? { position: Number(v.position) } : {}),
            ...(v.bib ? { bib: v.bib } : {}),
          },
        }),
      ),
    onSuccess: (answer) => {
      setV(empty);
      return onAdded(answer);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-row" className="inline">
      <h3 id="add-row">Add a result</h3>
      <Field label="Place">
        <input type="number" min={1} value={v.position} onChange={(e) => setV({ ...v, position: e.target.value })} />
      </Field>
      <Field label="Status">
        <select value={v.status} onChange={(e) => setV({ ...v, status: e.target.value as Status })}>
          <StatusOptions current={v.status} />
        </select>
      </Field>
      <Field label="Bib">
        <input value={v.bib} onChange={(e) => setV({ ...v, bib: e.target.value })} />
      </Field>
      <Field label="First name">
        <input value={v.firstName} onChange={(e) => setV({ ...v, firstName: e.target.value })} required />
      </Field>
      <Field label="Last name">
        <input value={v.lastName} onChange={(e) => setV({ ...v, lastName: e.target.value })} required />
      </Field>
      <button type="submit" disabled={add.isPending}>
        Add result
      </button>
      <ErrorMessage error={add.error} />
    </form>
  );
}
