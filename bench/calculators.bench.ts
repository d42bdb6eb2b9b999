/**
 * Calculator benchmark (issue 3): one board over 100k, 300k and 1M results, in memory, one
 * core. Prints the median of several runs after a warm-up; the heap growth during the runs
 * (garbage included), the heap the standings themselves hold once computed (after a full GC),
 * each per result too so memory linearity can be read off; and the process's RSS.
 * Run with `npm run bench:calculators` (it needs `--expose-gc` for the memory figures).
 */
import { cpus } from 'node:os';
import { computeStandings, computeStandingsTable } from '../src/calculators';
import { toPackedInput } from '../src/calculators/packed';
import type { ComputeInput, EventInput, LeaderboardConfig, RaceResultInput } from '../src/calculators/types';

function season(events: number, categories: number, riders: number): Omit<ComputeInput, 'board'> {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const evs: EventInput[] = Array.from({ length: events }, (_, i) => ({
    id: i + 1, name: `E${i + 1}`, date: `2026-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, starred: i % 3 === 0, pointsMultiplier: i === events - 1 ? 2 : 1,
  }));
  const schools = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `School ${i + 1}` }));
  const results: RaceResultInput[] = [];
  let id = 0;
  for (const e of evs) {
    for (let c = 0; c < categories; c++) {
      const order = Array.from({ length: riders }, (_, k) => k);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      order.forEach((k, place) => {
        const participantId = c * riders + k + 1;
        const dnf = random() < 0.03;
        results.push({
          id: ++id, eventId: e.id, category: `C${c}`, participantId, participantName: `Rider ${participantId}`,
          custom1: schools[participantId % 50], custom2: null, custom3: null,
          position: dnf ? null : place + 1, status: dnf ? 'DNF' : 'FIN',
        });
      });
    }
  }
  return { scale: { kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] }, events: evs, results };
}

const categories = Array.from({ length: 10 }, (_, c) => ({ code: `C${c}`, multiplier: 1 }));
const boards: Record<string, LeaderboardConfig> = {
  INDIVIDUAL: { type: 'INDIVIDUAL', categories, eventScope: 'ALL', bestOf: 30, tieBreaks: ['COUNTBACK', 'MOST_RECENT'] },
  SCHOOL: { type: 'SCHOOL', categories, eventScope: 'ALL', countingRiders: 4, minRiders: 2, tieBreaks: ['COUNTBACK'] },
};

function measure(input: ComputeInput, runs: number) {
  computeStandings(input); // warm-up
  const times: number[] = [];
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let retained = 0;
  // The previous run's standings stay reachable while the next run computes (as a caller
  // holding the old standings would), so no run benefits from a smaller heap.
  let last: ReturnType<typeof computeStandings> | null = null;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const out = computeStandings(input);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    retained = Math.max(retained, process.memoryUsage().heapUsed - heapBefore);
    if (out.entries.length === 0) throw new Error('no entries');
    last = out;
  }
  // What the last run's standings hold on their own: heap with them, after a full GC, less the heap before.
  global.gc?.();
  const outputMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  if (last === null) throw new Error('no runs');
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], retainedMb: retained / 2 ** 20, outputMb };
}

const perResult = (mb: number, results: number) => `${Math.round((mb * 2 ** 20) / results)} B/result`;

console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}`);
console.log('\n| results | board | median time | heap growth during runs | standings heap (after GC) | input heap | RSS after |');
console.log('|---|---|---|---|---|---|---|');
for (const [events, riders] of [[40, 250], [40, 750], [40, 2500]] as const) {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const data = season(events, 10, riders);
  global.gc?.();
  const inputMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  for (const [name, board] of Object.entries(boards)) {
    const { ms, retainedMb, outputMb } = measure({ ...data, board }, 5);
    const n = data.results.length;
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `| ${n.toLocaleString('en')} | ${name} | ${ms.toFixed(0)} ms | ${retainedMb.toFixed(0)} MB (${perResult(retainedMb, n)}) | ${outputMb.toFixed(0)} MB (${perResult(outputMb, n)}) | ${inputMb.toFixed(0)} MB | ${rssMb.toFixed(0)} MB |`,
    );
  }
}

// As the worker runs them: packed races in, every entry's digest out, breakdowns not built
// (the writer builds only the changed entries' ones).
console.log('\n| results | board | packed input: standings + every digest (median) |');
console.log('|---|---|---|');
for (const [events, riders] of [[40, 250], [40, 750], [40, 2500]] as const) {
  for (const [name, board] of Object.entries(boards)) {
    // Only the packed input stays reachable, as in a worker: no result objects for the GC to trace.
    const results = events * 10 * riders;
    const packed = toPackedInput({ ...season(events, 10, riders), board });
    global.gc?.();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = process.hrtime.bigint();
      const table = computeStandingsTable(packed);
      for (let e = 0; e < table.entries.length; e++) table.valuesDigest(e) + table.breakdownDigest(e);
      if (i > 0) times.push(Number(process.hrtime.bigint() - started) / 1e6); // the first is the warm-up
    }
    console.log(`| ${results.toLocaleString('en')} | ${name} | ${times.sort((a, b) => a - b)[Math.floor(times.length / 2)].toFixed(0)} ms |`);
  }
}
console.log(`\npeak RSS of the process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
