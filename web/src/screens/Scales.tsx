import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { pointsPreview } from '../logic';
import { ErrorMessage, Field, Head } from '../ui';

type ScaleInput = components['schemas']['CreatePointsScaleDto'];

/** Points scales: create one with a live preview, open one by id. The list and edits come with issue 14. */
export function ScalesScreen() {
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <>
      <h1>Points scales</h1>
      <div className="columns">
        <CreateScale onCreated={setOpenId} />
        <section aria-labelledby="open-scale">
          <h2 id="open-scale">Open a scale</h2>
          <OpenScale onOpen={setOpenId} />
          {openId && <ScaleView id={openId} />}
        </section>
      </div>
    </>
  );
}

function OpenScale({ onOpen }: { onOpen: (id: number) => void }) {
  const [id, setId] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (id) onOpen(Number(id));
      }}
    >
      <Field label="Scale id">
        <input type="number" min={1} value={id} onChange={(e) => setId(e.target.value)} />
      </Field>
      <button type="submit">Open scale</button>
    </form>
  );
}

function ScaleView({ id }: { id: number }) {
  const scale = useQuery({ queryKey: ['scale', id], retry: false, queryFn: () => ok(api.GET('/api/points-scales/{id}', { params: { path: { id } } })) });
  if (scale.error) return <ErrorMessage error={scale.error} />;
  if (!scale.data) return null;
  return (
    <div>
      <h3>
        {scale.data.name} <small>(id {scale.data.id})</small>
      </h3>
      <Preview scale={scale.data} />
    </div>
  );
}

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

function CreateScale({ onCreated }: { onCreated: (id: number) => void }) {
  const [f, setF] = useState({ name: '', kind: 'TABLE' as ScaleInput['kind'], table: '25, 18, 15, 12, 10, 8, 6, 4, 2, 1', beyondTable: '0', first: '20', step: '1', floor: '0', lowPoint: false, ties: 'AVERAGE' as ScaleInput['ties'], dsqNonDroppable: false, dnf: '', dns: '', dsq: '' });
  const status = f.dnf !== '' || f.dns !== '' || f.dsq !== '' ? { statusPoints: { DNF: Number(f.dnf || 0), DNS: Number(f.dns || 0), DSQ: Number(f.dsq || 0) } } : {};
  const body: ScaleInput = {
    name: f.name, kind: f.kind, beyondTable: Number(f.beyondTable || 0), lowPoint: f.lowPoint, ties: f.ties, dsqNonDroppable: f.dsqNonDroppable, ...status,
    ...(f.kind === 'TABLE' ? { table: f.table.split(/[\s,;]+/).filter(Boolean).map(Number) } : {}),
    ...(f.kind === 'LINEAR' ? { first: Number(f.first), step: Number(f.step), floor: Number(f.floor) } : {}),
  };
  const create = useMutation({ mutationFn: () => ok(api.POST('/api/points-scales', { body })), onSuccess: (s) => onCreated(s.id) });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const numberField = (k: 'first' | 'step' | 'floor' | 'dnf' | 'dns' | 'dsq', label: string) => (
    <Field label={label}>
      <input type="number" value={f[k]} onChange={set(k)} />
    </Field>
  );
  return (
    <section aria-labelledby="new-scale">
      <h2 id="new-scale">New points scale</h2>
      <div className="columns">
        <form onSubmit={submit}>
          <Field label="Scale name">
            <input value={f.name} onChange={set('name')} required />
          </Field>
          <Field label="Kind">
            <select value={f.kind} onChange={set('kind')}>
              <option value="TABLE">A table of points by place</option>
              <option value="LINEAR">First place's points, minus a step per place</option>
              <option value="FIELD_SIZE">One point per rider beaten, plus one</option>
              <option value="PERCENT_OF_FIELD">Percent of the field beaten</option>
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
          <button type="submit" disabled={create.isPending}>
            Create scale
          </button>
          <ErrorMessage error={create.error} />
          {create.data && <p role="status">Created scale {create.data.id}.</p>}
        </form>
        <Preview scale={body} />
      </div>
    </section>
  );
}
