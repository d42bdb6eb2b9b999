import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { pointsPreview, reasonHeaders } from '../logic';
import { Link } from '../router';
import { ErrorMessage, Field, Head, HistoryLink, Loading, ReasonField, ServerPager } from '../ui';

type CreateScale = components['schemas']['CreatePointsScaleDto'];
// The form edits the fields below; fields the console has no controls for (precision, participation
// points of newer kinds) are left out of a PATCH, so the server keeps them. The console sends
// codes in the object form the server answers (the API also takes a list).
type ScaleView = components['schemas']['PointsScaleView'];
type ScaleInput = Omit<CreateScale, 'precision' | 'codes'> & { precision?: number; codes?: ScaleView['codes'] };

/** Points scales: create one with a live preview; the paged list (GET /api/points-scales), each opening to its edit. */
export function ScalesScreen() {
  const queries = useQueryClient();
  const create = useMutation({
    mutationFn: ({ body }: { body: ScaleInput }) => ok(api.POST('/api/points-scales', { body: body as CreateScale })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['scales'] }),
  });
  return (
    <>
      <h1>Points scales</h1>
      <div className="columns">
        <section aria-labelledby="new-scale">
          <h2 id="new-scale">New points scale</h2>
          <ScaleForm submitLabel="Create scale" pending={create.isPending} error={create.error} onSubmit={(body) => create.mutate({ body })}>
            {create.data && (
              <p role="status">
                Created scale {create.data.id}: <Link to={`/scales/${create.data.id}`}>{create.data.name}</Link>.
              </p>
            )}
          </ScaleForm>
        </section>
        <ScaleList />
      </div>
    </>
  );
}

const SCALES_PAGE = 20;

function ScaleList() {
  const [page, setPage] = useState(0);
  const list = useQuery({
    queryKey: ['scales', 'list', page],
    placeholderData: keepPreviousData,
    queryFn: () => ok(api.GET('/api/points-scales', { params: { query: { offset: page * SCALES_PAGE, limit: SCALES_PAGE } } })),
  });
  return (
    <section aria-labelledby="all-scales">
      <h2 id="all-scales">All scales</h2>
      <ErrorMessage error={list.error} />
      {!list.data && !list.error && <Loading what="the scales" />}
      {list.data && list.data.total === 0 && <p>No scales yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="scroll">
<table>
          <caption className="sr-only">Points scales</caption>
          <Head columns={['Scale', 'Kind', 'Points of places 1–3']} />
          <tbody>
            {list.data.items.map((sc) => (
              <tr key={sc.id}>
                <td>
                  <Link to={`/scales/${sc.id}`}>{sc.name}</Link>
                </td>
                <td>{KIND_LABEL[sc.kind] ?? sc.kind}</td>
                <td>{firstPlaces(sc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
</div>
      )}
      {list.data && <ServerPager label="Scales" page={page} size={SCALES_PAGE} total={list.data.total} onPage={setPage} />}
    </section>
  );
}

function firstPlaces(scale: ScaleInput): string {
  try {
    return pointsPreview(scale, 20).places.slice(0, 3).join(', ');
  } catch {
    return '—';
  }
}

/** One scale: its edit (PATCH /api/points-scales/:id; every board using it is recalculated) with the preview. */
export function ScaleScreen({ id }: { id: number }) {
  const queries = useQueryClient();
  const scale = useQuery({ queryKey: ['scales', id], retry: false, queryFn: () => ok(api.GET('/api/points-scales/{id}', { params: { path: { id } } })) });
  const save = useMutation({
    mutationFn: ({ body, reason }: { body: ScaleInput; reason: string }) => ok(api.PATCH('/api/points-scales/{id}', { params: { path: { id } }, headers: reasonHeaders(reason), body: body as CreateScale })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['scales'] }),
  });
  if (scale.error) return <ErrorMessage error={scale.error} />;
  if (!scale.data) return <Loading what="the scale" />;
  return (
    <>
      <p>
        <Link to="/scales">← Points scales</Link>
      </p>
      <h1>{scale.data.name}</h1>
      <p>
        Scale {id} · <HistoryLink entity="points_scale" id={id} />
      </p>
      <p>Saving a change recalculates every board that uses this scale.</p>
      <ScaleForm key={JSON.stringify(scale.data)} initial={scale.data} withReason submitLabel="Save scale" pending={save.isPending} error={save.error} onSubmit={(body, reason) => save.mutate({ body, reason })}>
        {save.isSuccess && <p role="status">Saved: the boards using this scale are recalculated.</p>}
      </ScaleForm>
    </>
  );
}

const KIND_LABEL: Partial<Record<ScaleInput['kind'], string>> = {
  TABLE: 'A table of points by place',
  LINEAR: "First place's points, minus a step per place",
  FIELD_SIZE: 'One point per rider beaten, plus one',
  PERCENT_OF_FIELD: 'Percent of the field beaten',
};

export function Preview({ scale }: { scale: ScaleInput }) {
  let p;
  try {
    p = pointsPreview(scale);
  } catch {
    return <p>Fill in the scale to see its points.</p>;
  }
  return (
    <table className="preview">
      <caption>Points in a race of 20 starters</caption>
      <Head columns={['Place', 'Points']} />
      <tbody>
        {p.places.map((pts, i) => (
          <tr key={i}>
            <td>{i + 1}</td>
            <td>{pts}</td>
          </tr>
        ))}
        {(['DNF', 'DNS', 'DSQ'] as const).map((s) => (
          <tr key={s}>
            <td>{s}</td>
            <td>{p.statuses[s]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The fields of a scale, with the preview beside them: for a new scale and for an edit. */
function ScaleForm({ initial, submitLabel, onSubmit, pending, error, withReason, children }: { initial?: ScaleView; submitLabel: string; onSubmit: (body: ScaleInput, reason: string) => void; pending: boolean; error: unknown; withReason?: boolean; children?: ReactNode }) {
  const text = (v: number | undefined, fallback: string) => (v === undefined ? fallback : String(v));
  const [f, setF] = useState({
    name: initial?.name ?? '',
    kind: initial?.kind ?? ('TABLE' as ScaleInput['kind']),
    table: initial?.table?.join(', ') ?? '25, 18, 15, 12, 10, 8, 6, 4, 2, 1',
    beyondTable: text(initial?.beyondTable, '0'),
    first: text(initial?.first, '20'),
    step: text(initial?.step, '1'),
    floor: text(initial?.floor, '0'),
    lowPoint: initial?.lowPoint ?? false,
    ties: initial?.ties ?? ('AVERAGE' as ScaleInput['ties']),
    dsqNonDroppable: initial?.dsqNonDroppable ?? false,
    dnf: text(initial?.statusPoints?.DNF, ''),
    dns: text(initial?.statusPoints?.DNS, ''),
    dsq: text(initial?.statusPoints?.DSQ, ''),
    reason: '',
  });
  const status = f.dnf !== '' || f.dns !== '' || f.dsq !== '' ? { statusPoints: { DNF: Number(f.dnf || 0), DNS: Number(f.dns || 0), DSQ: Number(f.dsq || 0) } } : {};
  const body: ScaleInput = {
    name: f.name, kind: f.kind, beyondTable: Number(f.beyondTable || 0), lowPoint: f.lowPoint, ties: f.ties, dsqNonDroppable: f.dsqNonDroppable, ...status,
    ...(f.kind === 'TABLE' ? { table: f.table.split(/[\s,;]+/).filter(Boolean).map(Number) } : {}),
    ...(f.kind === 'LINEAR' ? { first: Number(f.first), step: Number(f.step), floor: Number(f.floor) } : {}),
  };
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(body, f.reason);
  };
  const numberField = (k: 'first' | 'step' | 'floor' | 'dnf' | 'dns' | 'dsq', label: string) => (
    <Field label={label}>
      <input type="number" value={f[k]} onChange={set(k)} />
    </Field>
  );
  return (
    <div className="columns">
      <form onSubmit={submit}>
        <Field label="Scale name">
          <input value={f.name} onChange={set('name')} required />
        </Field>
        <Field label="Kind">
          <select value={f.kind} onChange={set('kind')}>
            {[...new Set([...(Object.keys(KIND_LABEL) as ScaleInput['kind'][]), f.kind])].map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k] ?? k}
              </option>
            ))}
          </select>
        </Field>
        {f.kind === 'TABLE' && (
          <>
            <Field label="Points by place" hint="Comma-separated, first place first">
              <input value={f.table} onChange={set('table')} />
            </Field>
            <Field label="Points beyond the table">
              <input type="number" min={0} value={f.beyondTable} onChange={set('beyondTable')} />
            </Field>
          </>
        )}
        {f.kind === 'LINEAR' && (
          <>
            {numberField('first', "First place's points")}
            {numberField('step', 'Step')}
            {numberField('floor', 'Floor')}
          </>
        )}
        <Field label="Shared places">
          <select value={f.ties} onChange={set('ties')}>
            <option value="AVERAGE">Share the points of the places they occupy</option>
            <option value="SAME">Each gets the place's points</option>
          </select>
        </Field>
        <label className="check">
          <input type="checkbox" checked={f.lowPoint} onChange={(e) => setF({ ...f, lowPoint: e.target.checked })} /> Low point (place = points, fewest wins)
        </label>
        <fieldset>
          <legend>Points for non-finishers (empty: the default)</legend>
          {numberField('dnf', 'DNF points')}
          {numberField('dns', 'DNS points')}
          {numberField('dsq', 'DSQ points')}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={f.dsqNonDroppable} onChange={(e) => setF({ ...f, dsqNonDroppable: e.target.checked })} /> A DSQ can never be dropped
        </label>
        {withReason && <ReasonField value={f.reason} onChange={(v) => setF({ ...f, reason: v })} />}
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
        <ErrorMessage error={error} />
        {children}
      </form>
      <Preview scale={body} />
    </div>
  );
}
