import { CORRECTED_EVENT, DEMO_CATEGORIES, DEMO_SERIES_NAME, demoSeason, resultsCsv } from './demo-season';

export interface DemoBoard {
  id: number;
  name: string;
  type: string;
}

export interface DemoLoaded {
  seriesId: number;
  boards: DemoBoard[];
  /** False when the season was there already (nothing was written). */
  created: boolean;
}

export interface DemoOptions {
  baseUrl: string;
  adminKey: string;
  log?: (line: string) => void;
  /** Longest wait for the final recalculations. */
  timeoutMs?: number;
}

const BOARDS = [
  { name: 'Riders: all years', type: 'INDIVIDUAL', extra: { bestOf: 5 } },
  { name: 'Schools by year', type: 'SCHOOL', extra: { countingRiders: 4, minRiders: 2 } },
  { name: 'Top schools', type: 'TOP_SCHOOLS', extra: { countingRiders: 4, minRiders: 2 } },
] as const;

/**
 * Loads the demo season into a running Podium through its HTTP API, as an organiser would:
 * series, events, a points scale, three boards, a results spreadsheet per event, a corrected
 * re-import, approvals. Idempotent: the series is found by name, and each event, board and
 * import is made only when it is missing. Ends with a recalculation of every board, waited for.
 */
export async function loadDemo(options: DemoOptions): Promise<DemoLoaded> {
  const api = new DemoApi(options.baseUrl, options.adminKey);
  const log = options.log ?? (() => undefined);
  const season = demoSeason();

  const [found] = await api.get<{ id: number }[]>(`/api/series?name=${encodeURIComponent(DEMO_SERIES_NAME)}`);
  const seriesId = found?.id ?? (await api.post<{ id: number }>('/api/series', { name: DEMO_SERIES_NAME, season: '2026', customLabels: { custom1: 'School' } })).id;
  let created = !found;
  log(found ? `Series ${seriesId} "${DEMO_SERIES_NAME}" is there already` : `Created series ${seriesId} "${DEMO_SERIES_NAME}"`);

  const existingEvents = new Map((await api.get<{ id: number; name: string }[]>(`/api/series/${seriesId}/events`)).map((e) => [e.name, e.id]));
  const eventIds: number[] = [];
  const fresh = new Set<number>();
  for (const event of season.events) {
    const known = existingEvents.get(event.name);
    const id = known ?? (await api.post<{ id: number }>(`/api/series/${seriesId}/events`, { name: event.name, date: event.date, pointsMultiplier: event.pointsMultiplier })).id;
    if (!known) fresh.add(id);
    eventIds.push(id);
  }
  created ||= fresh.size > 0;

  const existingBoards = new Map((await api.get<DemoBoard[]>(`/api/leaderboards?seriesId=${seriesId}`)).map((b) => [b.name, b]));
  let scaleId: number | undefined;
  const boards: DemoBoard[] = [];
  for (const board of BOARDS) {
    const known = existingBoards.get(board.name);
    if (known) {
      boards.push({ id: known.id, name: known.name, type: known.type });
      continue;
    }
    created = true;
    scaleId ??= (await api.post<{ id: number }>('/api/points-scales', { name: 'Schools league: 60 down to 1', kind: 'LINEAR', first: 60, step: 1, floor: 1 })).id;
    const id = (await api.post<{ id: number }>('/api/leaderboards', {
      seriesId, name: board.name, type: board.type, pointsScaleId: scaleId, categories: [...DEMO_CATEGORIES],
      // The double-points final always counts towards the best 5.
      nonDroppableEventIds: board.type === 'INDIVIDUAL' ? [eventIds[eventIds.length - 1]] : undefined,
      ...board.extra,
    })).id;
    boards.push({ id, name: board.name, type: board.type });
    log(`Created board ${id} "${board.name}" (${board.type})`);
  }

  const toApprove: number[] = [];
  for (const [index, event] of season.events.entries()) {
    const eventId = eventIds[index];
    if (!fresh.has(eventId)) continue;
    if (event.firstPublished) await api.importCsv(eventId, resultsCsv(event.firstPublished), `${event.name}.csv`);
    const answer = await api.importCsv(eventId, resultsCsv(event.results), `${event.name}.csv`);
    // The first rounds are signed off; the later ones stay provisional.
    if (index <= CORRECTED_EVENT) toApprove.push(...answer.categories.map((c) => c.resultSetId));
    log(`${event.name}: ${answer.rows} results${event.firstPublished ? ', then a corrected file re-imported' : ''}`);
  }
  for (const setId of toApprove) await api.post(`/api/result-sets/${setId}/transitions`, { to: 'APPROVED' }, 200);

  const { jobs } = await api.post<{ jobs: { jobId: string; leaderboardId: number }[] }>(`/api/leaderboards/recalculate-all?seriesId=${seriesId}`, {}, 202);
  log(`Recalculating ${jobs.length} boards…`);
  await Promise.all(jobs.map((job) => api.waitForRun(job.jobId, options.timeoutMs ?? 120_000)));
  return { seriesId, boards, created };
}

interface ImportAnswer {
  rows: number;
  categories: { resultSetId: number }[];
}

class DemoApi {
  constructor(private readonly baseUrl: string, private readonly adminKey: string) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path, undefined, 200);
  }

  post<T = unknown>(path: string, body: object, expected = 201): Promise<T> {
    return this.call<T>('POST', path, JSON.stringify(body), expected, { 'Content-Type': 'application/json' });
  }

  importCsv(eventId: number, csv: string, filename: string): Promise<ImportAnswer> {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), filename);
    return this.call<ImportAnswer>('POST', `/api/events/${eventId}/results/import`, form, 200);
  }

  async waitForRun(jobId: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.get<{ status: string; error: string | null }>(`/api/recalculations/${encodeURIComponent(jobId)}`);
      if (run.status === 'completed') return;
      if (run.status === 'failed') throw new Error(`Recalculation ${jobId} failed: ${run.error}`);
      if (Date.now() > deadline) throw new Error(`Recalculation ${jobId} still ${run.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async call<T>(method: string, path: string, body: RequestInit['body'], expected: number, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, { method, body, headers: { Authorization: `Bearer ${this.adminKey}`, ...headers } });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
