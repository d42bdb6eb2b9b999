import { basePoints, statusPoints } from '../../src/calculators/points';
import { STATUS_CODE } from '../../src/calculators/packed-format';
import type { PointsScaleConfig } from '../../src/calculators/types';
import { ALLOWED } from '../../src/results/state-machine';
import type { components } from './api/schema';

export type ResultSetState = components['schemas']['ResultSetView']['state'];
export type ResultRow = components['schemas']['ResultRowView'];
export type Board = components['schemas']['LeaderboardView'];
export type BoardInput = components['schemas']['CreateLeaderboardDto'];

/** The transitions the API accepts from each state: the console offers only these. */
export function allowedTransitions(state: ResultSetState): readonly ResultSetState[] {
  return ALLOWED[state];
}

export const editable = (state: ResultSetState): boolean => state === 'DRAFT' || state === 'PROVISIONAL';

/** A row's identity across a revision: licence when it has one, else the name. */
export function rowKey(r: ResultRow): string {
  return r.participant.externalId ? `id:${r.participant.externalId}` : `name:${r.participant.firstName} ${r.participant.lastName}`.toLowerCase();
}

const COMPARED = ['position', 'status', 'bib', 'timeMs', 'custom1', 'custom2', 'custom3', 'redress'] as const;
type Compared = (typeof COMPARED)[number];
/** Values compare by content: a redress is an object, equal in two rows when it says the same. */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A result's own redress in words (RRS A9): a stated score, or which races it averages. */
export function redressText(redress: NonNullable<ResultRow['redress']>): string {
  if (redress.points !== undefined) return `redress ${redress.points}`;
  if (redress.events) return `redress: average of events ${redress.events.join(', ')}`;
  return 'redress: average of the other races';
}

/** One compared field of a row, as the revision diff shows it. */
export function fieldText(row: ResultRow, field: Compared): string {
  if (field === 'redress') return row.redress ? redressText(row.redress) : '—';
  return String(row[field] ?? '—');
}

export interface RowDiff {
  added: ResultRow[];
  removed: ResultRow[];
  changed: { before: ResultRow; after: ResultRow; fields: Compared[] }[];
}

/** What a revision changes against the set it revises. */
export function diffRows(original: ResultRow[], revision: ResultRow[]): RowDiff {
  const before = new Map(original.map((r) => [rowKey(r), r]));
  const after = new Map(revision.map((r) => [rowKey(r), r]));
  const diff: RowDiff = { added: [], removed: [], changed: [] };
  for (const [key, r] of after) {
    const old = before.get(key);
    if (!old) diff.added.push(r);
    else {
      const fields = COMPARED.filter((f) => !same(old[f], r[f]));
      if (fields.length > 0) diff.changed.push({ before: old, after: r, fields: [...fields] });
    }
  }
  for (const [key, r] of before) if (!after.has(key)) diff.removed.push(r);
  return diff;
}

/** Points for places 1..n in a field of n starters and for each status code, by the server's own scoring code. */
export function pointsPreview(scale: PointsScaleConfig, places = 20): { places: number[]; statuses: Record<'DNF' | 'DNS' | 'DSQ', number> } {
  return {
    places: Array.from({ length: places }, (_, i) => basePoints(scale, i + 1, places)),
    statuses: {
      DNF: statusPoints(scale, STATUS_CODE.DNF, places),
      DNS: statusPoints(scale, STATUS_CODE.DNS, places),
      DSQ: statusPoints(scale, STATUS_CODE.DSQ, places),
    },
  };
}

/** "in 1 min 05 s", "now": time left until `dueAt`. */
export function countdown(dueAt: string, now: number): string {
  const ms = new Date(dueAt).getTime() - now;
  if (ms <= 0) return 'now';
  const s = Math.ceil(ms / 1000);
  const min = Math.floor(s / 60);
  return min > 0 ? `in ${min} min ${String(s % 60).padStart(2, '0')} s` : `in ${s} s`;
}

/** A board's rules as plain sentences, for the organiser checking what they set. */
export function explainBoard(b: Partial<BoardInput>, scaleName?: string): string[] {
  const lines: string[] = [];
  const type = {
    INDIVIDUAL: 'Each rider is ranked on their own.',
    SCHOOL: 'Riders\' points are added up by group (school, club or team).',
    TOP_SCHOOLS: 'Each group counts only its best riders in each race.',
    GROUP: 'Groups are ranked by the points of their riders.',
  }[b.type ?? 'INDIVIDUAL'];
  lines.push(type);
  if (scaleName) lines.push(`Points come from the scale "${scaleName}".`);
  const cats = (b.categories ?? []).map((c) => (typeof c === 'string' ? { code: c, multiplier: 1 } : c));
  if (cats.length > 0) lines.push(`Results of ${cats.map((c) => (c.multiplier !== 1 ? `${c.code} (×${c.multiplier})` : c.code)).join(', ')} count.`);
  lines.push({ ALL: 'Every event of the series counts.', STARRED: 'Only starred events count.', LISTED: 'Only the listed events count.' }[b.eventScope ?? 'ALL']);
  if (b.bestOf) lines.push(`Only each entry's best ${b.bestOf} results count.`);
  if (b.dropWorst) lines.push(`Each entry's worst ${b.dropWorst} result${b.dropWorst > 1 ? 's are' : ' is'} dropped.`);
  if (b.nonDroppableEventIds && b.nonDroppableEventIds.length > 0) lines.push(`Results of event${b.nonDroppableEventIds.length > 1 ? 's' : ''} ${b.nonDroppableEventIds.join(', ')} are never dropped.`);
  if (b.minEvents) lines.push(`An entry needs ${b.minEvents} events to be ranked; below that it is ${b.belowMinEvents === 'EXCLUDE' ? 'left out' : 'listed unranked'}.`);
  // Tie-breaks newer than these words (the scoring work adds some) are named by their code.
  const words: Partial<Record<string, string>> = { COUNTBACK: 'more better places', MOST_RECENT: 'the better most recent result', FEWER_EVENTS: 'fewer events' };
  const ties = (b.tieBreaks ?? []).map((t) => words[t] ?? t);
  if (ties.length > 0) lines.push(`Equal points are split by ${ties.join(', then ')}.`);
  lines.push(b.ranking === 'DENSE' ? 'Tied entries share a place and the next place follows on (1, 1, 2).' : 'Tied entries share a place and the next places are skipped (1, 1, 3).');
  return lines;
}

/** The page of a list that the console shows: every list pages. */
export function pageOf<T>(items: T[], page: number, size: number): { items: T[]; pages: number; page: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const at = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(at * size, at * size + size), pages, page: at };
}

interface Line {
  eventId: number;
  points: number;
}
export interface BreakdownShape {
  counted?: Line[];
  dropped?: (Line & { reason?: string })[];
  tieBreak?: string | null;
}

/** The standings' column per event: an entry's points at each event, and whether they were dropped. */
export function eventCells(breakdown: unknown, eventIds: number[]): ({ points: number; dropped: boolean } | null)[] {
  const b = (breakdown ?? {}) as BreakdownShape;
  const sum = (lines: Line[] | undefined, id: number) => (lines ?? []).filter((l) => l.eventId === id).reduce((acc, l) => acc + l.points, 0);
  const has = (lines: Line[] | undefined, id: number) => (lines ?? []).some((l) => l.eventId === id);
  return eventIds.map((id) => {
    if (has(b.counted, id)) return { points: sum(b.counted, id), dropped: false };
    if (has(b.dropped, id)) return { points: sum(b.dropped, id), dropped: true };
    return null;
  });
}

/**
 * The X-Reason header for a change, when the organiser gave one: percent-encoded because HTTP
 * headers carry ASCII and a reason may have accents (the server decodes it).
 */
export function reasonHeaders(reason: string | undefined | null): Record<string, string> {
  const text = (reason ?? '').trim();
  return text ? { 'X-Reason': encodeURIComponent(text) } : {};
}

/** An audit row's compact before/after as short lines: "name: Round 1 → Round 1 (rain)". */
export function describeChanges(changes: unknown): string[] {
  if (!changes || typeof changes !== 'object') return [];
  const c = changes as Record<string, unknown>;
  const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const before = c.before && typeof c.before === 'object' ? (c.before as Record<string, unknown>) : null;
  const after = c.after && typeof c.after === 'object' ? (c.after as Record<string, unknown>) : null;
  if (before || after) {
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
    const lines = keys.map((k) => `${k}: ${show(before?.[k])} → ${show(after?.[k])}`);
    const rest = Object.entries(c).filter(([k]) => k !== 'before' && k !== 'after');
    return [...lines, ...rest.map(([k, v]) => `${k}: ${show(v)}`)];
  }
  return Object.entries(c).map(([k, v]) => `${k}: ${show(v)}`);
}

export interface RunPhases {
  queueMs: number;
  lockMs: number;
  loadMs: number;
  computeMs: number;
  writeMs: number;
}

/** A run's time by phase in words, e.g. "queue 12 · lock 0 · load 4 · compute 2 · write 3 ms"; a dash before it completes. */
export function describePhases(phases: RunPhases | null | undefined): string {
  if (!phases) return '—';
  const parts: [string, number][] = [['queue', phases.queueMs], ['lock', phases.lockMs], ['load', phases.loadMs], ['compute', phases.computeMs], ['write', phases.writeMs]];
  return `${parts.map(([name, ms]) => `${name} ${Math.round(ms)}`).join(' · ')} ms`;
}
