/**
 * Issue 16's scorecard: the benches record their figures here, and `npm run bench:scorecard`
 * (the last step of `npm run bench`) prints every row of the issue's table with the issue's
 * figure ("then"), this run's figure, its SQL anchor measured in the same run, and the target.
 *
 * Each bench writes one JSON file under .bench/scorecard/ (its figures, the machine and the
 * load average when it finished), so a bench run alone updates only its own rows and the
 * scorecard says when and under what load each figure was taken.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

// npm runs every bench from the repository's root, compiled (.bench/) or not (ts-node).
const DIR = join(process.cwd(), '.bench', 'scorecard');

interface Recorded {
  bench: string;
  at: string;
  load: string;
  machine: string;
  figures: Record<string, number>;
}

/** Writes a bench's figures (milliseconds, ratios, rows/s, MB) for the scorecard. */
export function recordFigures(bench: string, figures: Record<string, number | undefined>): void {
  mkdirSync(DIR, { recursive: true });
  const kept = Object.fromEntries(Object.entries(figures).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  const recorded: Recorded = {
    bench,
    at: new Date().toISOString(),
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
    machine: `${cpus().length} × ${cpus()[0].model}, node ${process.version}`,
    figures: kept,
  };
  writeFileSync(join(DIR, `${bench}.json`), JSON.stringify(recorded, null, 2));
}

/** One row of the table: where its figure comes from, and what "met" means. */
interface Row {
  measure: string;
  then: string;
  /** The figure's key in a bench's record, `bench.key`. */
  key: string;
  unit: 'ms' | 's' | '×' | 'rows/s' | 'MB';
  /** The target: at most (`max`) or at least (`min`) this; absent, the row is reported only. */
  max?: number;
  min?: number;
  /** The SQL anchor measured beside it, `bench.key`. */
  sql?: string;
}

const ROWS: Row[] = [
  { measure: 'small board (960 results), repeated run / SQL', then: '6.8×', key: 'recalculation.small.ratio', unit: '×', max: 1.5, sql: 'recalculation.small.sqlMs' },
  { measure: 'small board, run after a one-result edit / SQL', then: '8.8×', key: 'recalculation.small.editRatio', unit: '×', max: 1.5, sql: 'recalculation.small.sqlMs' },
  { measure: 'medium board (10,000 results), repeated run / SQL', then: '2.0×', key: 'recalculation.medium.ratio', unit: '×', max: 1.5, sql: 'recalculation.medium.sqlMs' },
  { measure: 'medium board, run after a one-result edit / SQL', then: '3.1×', key: 'recalculation.medium.editRatio', unit: '×', max: 1.5, sql: 'recalculation.medium.sqlMs' },
  { measure: 'fleet drain, 1,000 boards, 1 worker process / SQL of every board', then: '7–8×', key: 'fleet.drain1.ratio', unit: '×', max: 2, sql: 'fleet.sqlMs' },
  { measure: 'fleet drain, 2 worker processes / SQL of every board', then: '7–8×', key: 'fleet.drain2.ratio', unit: '×', max: 2, sql: 'fleet.sqlMs' },
  { measure: 'fleet: boards/s, 1 worker process', then: '83', key: 'fleet.drain1.boardsPerSec', unit: 'rows/s' },
  { measure: '`recalculate-all` answer for 1,000 boards', then: '3.2–5.6 s', key: 'fleet.answerMs', unit: 'ms', max: 250 },
  { measure: 'worker peak RSS during the drain', then: '—', key: 'fleet.workerPeakRssMb', unit: 'MB', max: 250 },
  { measure: '1M-result series, first run / SQL', then: '16×', key: 'recalculation.series1m.firstRatio', unit: '×', max: 4, sql: 'recalculation.series1m.sqlMs' },
  { measure: '60k board after a one-result edit / SQL', then: '1.4×', key: 'recalculation.season.editRatio', unit: '×', max: 1, sql: 'recalculation.season.sqlMs' },
  { measure: '1M board after a one-result edit / SQL', then: '1.4×', key: 'recalculation.series1m.editRatio', unit: '×', max: 1, sql: 'recalculation.series1m.sqlMs' },
  { measure: '1M board, repeated run / SQL', then: '1.2–1.4×', key: 'recalculation.series1m.ratio', unit: '×', sql: 'recalculation.series1m.sqlMs' },
  { measure: 'xlsx import, 50,000 rows (new riders)', then: '29,500 rows/s', key: 'import.xlsx.rowsPerSec', unit: 'rows/s', min: 40_000 },
  { measure: 'xlsx import, peak RSS', then: '650 MB', key: 'import.xlsx.peakRssMb', unit: 'MB', max: 350 },
  { measure: 'CSV import, 50,000 rows (new riders)', then: '—', key: 'import.csv.rowsPerSec', unit: 'rows/s', min: 60_000 },
];

function show(value: number, unit: Row['unit']): string {
  switch (unit) {
    case '×': return `${value.toFixed(2)}×`;
    case 'rows/s': return Math.round(value).toLocaleString('en');
    case 'MB': return `${value.toFixed(0)} MB`;
    case 's': return `${value.toFixed(2)} s`;
    case 'ms': return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
  }
}

function verdict(row: Row, value: number | undefined): string {
  if (value === undefined) return 'not measured';
  if (row.max !== undefined) return value <= row.max ? 'met' : `missed (target ≤ ${show(row.max, row.unit)})`;
  if (row.min !== undefined) return value >= row.min ? 'met' : `missed (target ≥ ${show(row.min, row.unit)})`;
  return '—';
}

function readRecords(): Map<string, Recorded> {
  const records = new Map<string, Recorded>();
  let files: string[] = [];
  try {
    files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  } catch {
    // No bench has run yet: every row says "not measured".
  }
  for (const file of files) {
    const recorded = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Recorded;
    records.set(recorded.bench, recorded);
  }
  return records;
}

/** The scorecard as Markdown: the rows, then when and under what load each bench ran. */
export function scorecard(): string {
  const records = readRecords();
  const figure = (key: string): number | undefined => {
    const [bench, ...rest] = key.split('.');
    return records.get(bench)?.figures[rest.join('.')];
  };
  const lines = [
    '| measure (issue 16) | issue\'s figure | now | SQL in the same run | target |',
    '|---|---|---|---|---|',
  ];
  for (const row of ROWS) {
    const value = figure(row.key);
    const sql = row.sql ? figure(row.sql) : undefined;
    lines.push(`| ${row.measure} | ${row.then} | ${value === undefined ? '—' : show(value, row.unit)} | ${sql === undefined ? '—' : show(sql, 'ms')} | ${verdict(row, value)} |`);
  }
  lines.push('');
  for (const r of records.values()) lines.push(`- ${r.bench}: ${r.at}, ${r.machine}, load average at its end ${r.load}`);
  return lines.join('\n');
}

if (require.main === module) console.log(scorecard());
