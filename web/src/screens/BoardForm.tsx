import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { explainBoard, type Board, type BoardInput } from '../logic';
import { Link, navigate } from '../router';
import { ErrorMessage, Field, Loading } from '../ui';
import { useBoard } from './Board';
import { useEvents, useSeries } from './Series';

type TieBreak = BoardInput['tieBreaks'][number];
type Slot = 'custom1' | 'custom2' | 'custom3';
const TIE_BREAKS: { value: TieBreak; label: string }[] = [
  { value: 'COUNTBACK', label: 'More better places (countback)' },
  { value: 'MOST_RECENT', label: 'Better most recent result' },
  { value: 'FEWER_EVENTS', label: 'Fewer events' },
];

interface FormState {
  name: string;
  type: BoardInput['type'];
  pointsScaleId: string;
  categories: { code: string; multiplier: string }[];
  eventScope: BoardInput['eventScope'];
  eventIds: number[];
  bestOf: string;
  dropWorst: string;
  minEvents: string;
  belowMinEvents: BoardInput['belowMinEvents'];
  nonDroppableEventIds: number[];
  countingRiders: string;
  minRiders: string;
  groupBy: Slot[];
  tieBreaks: TieBreak[];
  ranking: BoardInput['ranking'];
  initialState: BoardInput['initialState'];
  active: boolean;
}

const blank: FormState = {
  name: '', type: 'INDIVIDUAL', pointsScaleId: '', categories: [{ code: '', multiplier: '1' }], eventScope: 'ALL', eventIds: [], bestOf: '', dropWorst: '', minEvents: '',
  belowMinEvents: 'UNRANKED', nonDroppableEventIds: [], countingRiders: '', minRiders: '', groupBy: [], tieBreaks: ['COUNTBACK', 'MOST_RECENT'], ranking: 'STANDARD', initialState: 'PROVISIONAL', active: true,
};

function fromBoard(b: Board): FormState {
  const n = (v: number | null | undefined) => (v == null ? '' : String(v));
  return {
    name: b.name, type: b.type, pointsScaleId: String(b.pointsScaleId), categories: b.categories.map((c) => ({ code: c.code, multiplier: String(c.multiplier) })),
    eventScope: b.eventScope, eventIds: b.eventIds ?? [], bestOf: n(b.bestOf), dropWorst: n(b.dropWorst), minEvents: n(b.minEvents), belowMinEvents: b.belowMinEvents,
    nonDroppableEventIds: b.nonDroppableEventIds ?? [], countingRiders: n(b.countingRiders), minRiders: n(b.minRiders), groupBy: (b.groupBy ?? []) as Slot[], tieBreaks: b.tieBreaks,
    ranking: b.ranking, initialState: b.initialState, active: b.active,
  };
}

/** The form as the API's body: empty numbers are "not set" (null). */
export function toInput(f: FormState, seriesId: number): BoardInput {
  const n = (v: string) => (v.trim() === '' ? null : Number(v));
  return {
    seriesId, name: f.name, type: f.type, pointsScaleId: Number(f.pointsScaleId),
    categories: f.categories.filter((c) => c.code.trim()).map((c) => ({ code: c.code.trim(), multiplier: Number(c.multiplier || '1') })),
    eventScope: f.eventScope, ...(f.eventScope === 'LISTED' ? { eventIds: f.eventIds } : {}), bestOf: n(f.bestOf), dropWorst: n(f.dropWorst), minEvents: n(f.minEvents),
    belowMinEvents: f.belowMinEvents, nonDroppableEventIds: f.nonDroppableEventIds, countingRiders: n(f.countingRiders), minRiders: n(f.minRiders),
    ...(f.groupBy.length > 0 ? { groupBy: f.groupBy } : {}), tieBreaks: f.tieBreaks, ranking: f.ranking, initialState: f.initialState, active: f.active,
  };
}

export function BoardNewScreen({ seriesId }: { seriesId: number }) {
  const queries = useQueryClient();
  const create = useMutation({
    mutationFn: (body: BoardInput) => ok(api.POST('/api/leaderboards', { body })),
    onSuccess: (b) => {
      void queries.invalidateQueries({ queryKey: ['series', seriesId, 'boards'] });
      navigate(`/boards/${b.id}`);
    },
  });
  return <BoardForm title="New board" seriesId={seriesId} initial={blank} submitLabel="Create board" error={create.error} pending={create.isPending} onSubmit={(body) => create.mutate(body)} />;
}

export function BoardEditScreen({ id }: { id: number }) {
  const board = useBoard(id);
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: (body: BoardInput) => {
      const { seriesId: _series, ...patch } = body;
      return ok(api.PATCH('/api/leaderboards/{id}', { params: { path: { id } }, body: patch }));
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['board', id] });
      navigate(`/boards/${id}`);
    },
  });
  if (board.error) return <ErrorMessage error={board.error} />;
  if (!board.data) return <Loading what="the board" />;
  return <BoardForm title={`Edit ${board.data.name}`} seriesId={board.data.seriesId} initial={fromBoard(board.data)} submitLabel="Save board" error={save.error} pending={save.isPending} onSubmit={(body) => save.mutate(body)} />;
}

function BoardForm(props: { title: string; seriesId: number; initial: FormState; submitLabel: string; error: unknown; pending: boolean; onSubmit: (body: BoardInput) => void }) {
  const [f, setF] = useState(props.initial);
  const events = useEvents(props.seriesId);
  const series = useSeries(props.seriesId);
  const scale = useQuery({
    queryKey: ['scale', Number(f.pointsScaleId)],
    enabled: Number(f.pointsScaleId) > 0,
    retry: false,
    queryFn: () => ok(api.GET('/api/points-scales/{id}', { params: { path: { id: Number(f.pointsScaleId) } } })),
  });
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF({ ...f, [k]: v });
  const toggle = (list: number[], id: number) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const labels = series.data?.customLabels ?? {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit(toInput(f, props.seriesId));
  };
  const number = (k: 'bestOf' | 'dropWorst' | 'minEvents' | 'countingRiders' | 'minRiders', label: string, hint: string) => (
    <Field label={label} hint={hint}>
      <input type="number" min={1} value={f[k]} onChange={(e) => set(k, e.target.value)} />
    </Field>
  );
  return (
    <>
      <p>
        <Link to={`/series/${props.seriesId}`}>← {series.data?.name ?? 'Series'}</Link>
      </p>
      <h1>{props.title}</h1>
      <div className="columns">
        <form onSubmit={submit}>
          <Field label="Board name">
            <input value={f.name} onChange={(e) => set('name', e.target.value)} required />
          </Field>
          <Field label="Board type">
            <select value={f.type} onChange={(e) => set('type', e.target.value as FormState['type'])}>
              <option value="INDIVIDUAL">Riders</option>
              <option value="SCHOOL">Groups: all riders' points</option>
              <option value="TOP_SCHOOLS">Groups: best riders per race</option>
              <option value="GROUP">Groups</option>
            </select>
          </Field>
          {f.type !== 'INDIVIDUAL' && (
            <fieldset>
              <legend>Grouped by</legend>
              {(['custom1', 'custom2', 'custom3'] as Slot[]).map((slot) => (
                <label key={slot} className="check">
                  <input type="checkbox" checked={f.groupBy.includes(slot)} onChange={() => set('groupBy', f.groupBy.includes(slot) ? f.groupBy.filter((s) => s !== slot) : [...f.groupBy, slot])} /> {labels[slot] ?? slot}
                </label>
              ))}
              {number('countingRiders', 'Riders counted per race', 'Only the best this many riders of a group score in each race.')}
              {number('minRiders', 'Riders needed per race', 'A group with fewer riders in a race scores nothing there.')}
            </fieldset>
          )}
          <Field label="Points scale id" hint={scale.data ? `Scale: ${scale.data.name}` : scale.error ? 'No such points scale' : 'The id of a points scale (see Points scales).'}>
            <input type="number" min={1} value={f.pointsScaleId} onChange={(e) => set('pointsScaleId', e.target.value)} required />
          </Field>
          <fieldset>
            <legend>Categories</legend>
            {f.categories.map((c, i) => (
              <div key={i} className="inline">
                <Field label={`Category ${i + 1}`}>
                  <input value={c.code} onChange={(e) => set('categories', f.categories.map((x, j) => (j === i ? { ...x, code: e.target.value } : x)))} />
                </Field>
                <Field label={`Multiplier of category ${i + 1}`}>
                  <input type="number" min={0} step="0.1" value={c.multiplier} onChange={(e) => set('categories', f.categories.map((x, j) => (j === i ? { ...x, multiplier: e.target.value } : x)))} />
                </Field>
                <button type="button" onClick={() => set('categories', f.categories.filter((_, j) => j !== i))} aria-label={`Remove category ${i + 1}`}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" onClick={() => set('categories', [...f.categories, { code: '', multiplier: '1' }])}>
              Add category
            </button>
          </fieldset>
          <Field label="Events that count">
            <select value={f.eventScope} onChange={(e) => set('eventScope', e.target.value as FormState['eventScope'])}>
              <option value="ALL">All events</option>
              <option value="STARRED">Starred events only</option>
              <option value="LISTED">The events ticked below</option>
            </select>
          </Field>
          {(events.data ?? []).length > 0 && (
            <fieldset>
              <legend>Events</legend>
              {(events.data ?? []).map((e) => (
                <div key={e.id} className="inline">
                  {f.eventScope === 'LISTED' && (
                    <label className="check">
                      <input type="checkbox" checked={f.eventIds.includes(e.id)} onChange={() => set('eventIds', toggle(f.eventIds, e.id))} /> Count {e.name}
                    </label>
                  )}
                  <label className="check">
                    <input type="checkbox" checked={f.nonDroppableEventIds.includes(e.id)} onChange={() => set('nonDroppableEventIds', toggle(f.nonDroppableEventIds, e.id))} /> Never drop {e.name}
                  </label>
                </div>
              ))}
            </fieldset>
          )}
          {number('bestOf', 'Best results counted', 'Leave empty to count every result.')}
          {number('dropWorst', 'Worst results dropped', 'Leave empty to drop none.')}
          {number('minEvents', 'Events needed to be ranked', 'Leave empty for no minimum.')}
          <Field label="Below that">
            <select value={f.belowMinEvents} onChange={(e) => set('belowMinEvents', e.target.value as FormState['belowMinEvents'])}>
              <option value="UNRANKED">Listed without a place</option>
              <option value="EXCLUDE">Left out</option>
            </select>
          </Field>
          <fieldset>
            <legend>Tie-break order</legend>
            {[0, 1, 2].map((i) => (
              <Field key={i} label={`Tie-break ${i + 1}`}>
                <select
                  value={f.tieBreaks[i] ?? ''}
                  onChange={(e) => {
                    const next = [...f.tieBreaks];
                    if (e.target.value) next[i] = e.target.value as TieBreak;
                    else next.splice(i);
                    set('tieBreaks', [...new Set(next.filter(Boolean))]);
                  }}
                >
                  <option value="">None</option>
                  {TIE_BREAKS.map((t) => (
                    <option key={t.value} value={t.value}>
                      {t.label}
                    </option>
                  ))}
                </select>
              </Field>
            ))}
          </fieldset>
          <Field label="Ranking of ties">
            <select value={f.ranking} onChange={(e) => set('ranking', e.target.value as FormState['ranking'])}>
              <option value="STANDARD">1, 1, 3</option>
              <option value="DENSE">1, 1, 2</option>
            </select>
          </Field>
          <Field label="New standings are">
            <select value={f.initialState} onChange={(e) => set('initialState', e.target.value as FormState['initialState'])}>
              <option value="PROVISIONAL">Public at once (provisional)</option>
              <option value="DRAFT">Hidden until published (draft)</option>
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.active} onChange={(e) => set('active', e.target.checked)} /> Active (recalculated when results change)
          </label>
          <button type="submit" disabled={props.pending}>
            {props.submitLabel}
          </button>
          <ErrorMessage error={props.error} />
        </form>
        <aside aria-labelledby="explained">
          <h2 id="explained">In plain words</h2>
          <ul>
            {explainBoard(toInput(f, props.seriesId), scale.data?.name).map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </aside>
      </div>
    </>
  );
}
