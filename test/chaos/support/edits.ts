/**
 * The organiser's side of the chaos suite: a season built over HTTP, a stream of result edits
 * with each write's latency measured, and a client-side log of every acknowledged write to
 * compare with the database once the system is quiet.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_KEY } from '../../support/test-app';

export interface Answer {
  status: number;
  body: any;
  ms: number;
}

/** Plain fetch against the API process; a write that never answers fails after `timeoutMs`, reported as status 0. */
export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 60_000,
  ) {}

  async send(method: string, path: string, body?: unknown): Promise<Answer> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text ? safeJson(text) : null, ms: performance.now() - started };
    } catch (err) {
      return { status: 0, body: { error: (err as Error).message }, ms: performance.now() - started };
    }
  }

  async created(path: string, body: unknown): Promise<number> {
    const res = await this.send('POST', path, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A small seeded PRNG (mulberry32), so a failing run's edits can be replayed. */
export { prng } from '../../../src/common/prng';

export interface RaceSet {
  id: number;
  category: string;
}

export interface Season {
  seriesId: number;
  boards: number[];
  sets: RaceSet[];
  riders: number;
}

/**
 * One series per scenario: three events, two categories, and four boards that share races
 * (each category alone, both together best-2-of-3, and schools), so one edit moves several boards.
 */
export async function buildSeason(api: Api, label: string, riders: number): Promise<Season> {
  const seriesId = await api.created('/api/series', { name: `Chaos ${label}`, customLabels: { custom1: 'School' } });
  const scaleId = await api.created('/api/points-scales', { name: `F1 ${label}`, kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] });
  const categories = ['A', 'B'];
  const boards = [
    await api.created('/api/leaderboards', { seriesId, name: `${label} A`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] }),
    await api.created('/api/leaderboards', { seriesId, name: `${label} B`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['B'] }),
    await api.created('/api/leaderboards', {
      seriesId, name: `${label} All stars`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [{ code: 'A', multiplier: 1 }, { code: 'B', multiplier: 2 }], bestOf: 2,
    }),
    await api.created('/api/leaderboards', { seriesId, name: `${label} Schools`, type: 'SCHOOL', pointsScaleId: scaleId, categories, countingRiders: 3 }),
  ];
  const sets: RaceSet[] = [];
  for (let e = 1; e <= 3; e++) {
    const eventId = await api.created(`/api/series/${seriesId}/events`, { name: `${label} round ${e}`, date: `2026-0${e + 2}-14` });
    for (const category of categories) sets.push({ id: await api.created(`/api/events/${eventId}/result-sets`, { category, state: 'PROVISIONAL' }), category });
  }
  return { seriesId, boards, sets, riders };
}

/** A row as sent, and as compared with the database: rider, place, status, school. */
export interface SentRow {
  participant: { firstName: string; lastName: string };
  position: number | null;
  status: 'FIN' | 'DNF';
  custom1: string;
}

/** A race's results: the category's riders in a random order, a few of them DNF. */
export function randomRows(set: RaceSet, riders: number, random: () => number): SentRow[] {
  const order = Array.from({ length: riders }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const dnf = Math.floor(random() * 3);
  return order.map((rider, place) => {
    const finished = place < riders - dnf;
    return {
      participant: { firstName: `Rider${rider}`, lastName: set.category },
      position: finished ? place + 1 : null,
      status: finished ? 'FIN' : 'DNF',
      custom1: `School ${rider % 5}`,
    };
  });
}

/** A canonical form of a race's rows, the same whether built from what was sent or read back. */
export function rowsKey(rows: { name: string; position: number | null; status: string; school: string | null }[]): string {
  return rows
    .map((r) => `${r.name}|${r.position ?? '-'}|${r.status}|${r.school ?? ''}`)
    .sort()
    .join('\n');
}

export function sentKey(rows: SentRow[]): string {
  return rowsKey(rows.map((r) => ({ name: `${r.participant.firstName} ${r.participant.lastName}`, position: r.position, status: r.status, school: r.custom1 })));
}

interface Write {
  key: string;
  sentAt: number;
  /** When its 200 arrived; null while in flight or when it never came (error, timeout). */
  ackedAt: number | null;
}

/**
 * What the client knows was saved. Writes to one set may overlap (a stream does not wait for
 * answers), so the set may end with any write not superseded for certain: an acknowledged
 * write is superseded only by an acknowledged write sent after its answer came; a write
 * that never got an answer may or may not have committed.
 */
export class EditLog {
  private readonly writes = new Map<number, Write[]>();
  acknowledged = 0;
  unanswered = 0;

  sent(setId: number, key: string): Write {
    const write = { key, sentAt: performance.now(), ackedAt: null };
    const list = this.writes.get(setId) ?? [];
    list.push(write);
    this.writes.set(setId, list);
    return write;
  }

  answered(write: Write, saved: boolean): void {
    if (saved) {
      write.ackedAt = performance.now();
      this.acknowledged++;
    } else {
      this.unanswered++;
    }
  }

  /** Per set, the rows it may hold once quiet, and whether any write to it was acknowledged. */
  expectations(): Map<number, { allowed: Set<string>; anyAcked: boolean }> {
    const out = new Map<number, { allowed: Set<string>; anyAcked: boolean }>();
    for (const [setId, list] of this.writes) {
      const acked = list.filter((w) => w.ackedAt !== null);
      const superseded = (w: Write) => w.ackedAt !== null && acked.some((later) => later.sentAt > w.ackedAt!);
      out.set(setId, { allowed: new Set(list.filter((w) => !superseded(w)).map((w) => w.key)), anyAcked: acked.length > 0 });
    }
    return out;
  }
}

export interface WriteSample {
  at: number;
  ms: number;
  status: number;
}

/**
 * Edits sent at a steady pace whether or not earlier ones have answered (an open loop, so a
 * hanging write shows as latency instead of slowing the stream), each one logged in EditLog.
 */
export class EditStream {
  private running = true;
  private readonly inFlight = new Set<Promise<void>>();
  readonly samples: WriteSample[] = [];
  private loop: Promise<void>;

  constructor(
    private readonly api: Api,
    private readonly season: Season,
    private readonly log: EditLog,
    private readonly random: () => number,
    private readonly intervalMs = 150,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      void this.start(this.season.sets[Math.floor(this.random() * this.season.sets.length)]);
      await sleep(this.intervalMs);
    }
  }

  private start(set: RaceSet): Promise<void> {
    const rows = randomRows(set, this.season.riders, this.random);
    const logged = this.log.sent(set.id, sentKey(rows));
    const at = Date.now();
    const write = this.api.send('PUT', `/api/result-sets/${set.id}/results`, rows).then((res) => {
      this.samples.push({ at, ms: res.ms, status: res.status });
      this.log.answered(logged, res.status === 200);
    });
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
    return write;
  }

  /** Stops sending new writes; those in flight go on. */
  halt(): void {
    this.running = false;
  }

  /** Stops sending and waits for every write in flight to answer (or time out). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.inFlight]);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
