/**
 * `npm run import -- --event <id> [--category <code>] [--state DRAFT|PROVISIONAL] [--status-synonyms "OTL=DNF, LAP=RET"] [--json] <file>`
 *
 * Imports a results spreadsheet for organisers' scripts, with the API's validation and
 * writes (ResultsImportService): a progress bar on a terminal, every problem listed, exit
 * code 0 when imported, 1 when the file was refused (nothing written), 2 for bad usage.
 */
import 'reflect-metadata';
import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { Presets, SingleBar } from 'cli-progress';
import { DomainError, InvalidInputError } from '../common/errors/domain-errors';
import { ConfigError, loadConfig } from '../config/config';
import { prepareDatabase } from '../database/prepare-database';
import { parseSynonyms } from '../results/import/cell-values';
import { ImportReport, ImportValidationError, ResultsImportService } from '../results/import/results-import.service';
import { ResultStatus } from '../results/result-status';
import { ImportCliModule } from './import-cli.module';

const USAGE = 'usage: npm run import -- --event <id> [--category <code>] [--state DRAFT|PROVISIONAL] [--status-synonyms "OTL=DNF, LAP=RET"] [--json] <file.xlsx|file.csv>';

interface Options {
  eventId: number;
  file: string;
  category: string | null;
  state: 'DRAFT' | 'PROVISIONAL';
  json: boolean;
  /** The file's own status words (WORD=CODE), as the HTTP form field statusSynonyms gives them. */
  statusSynonyms: Record<string, ResultStatus> | undefined;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      event: { type: 'string' },
      category: { type: 'string' },
      state: { type: 'string', default: 'PROVISIONAL' },
      json: { type: 'boolean', default: false },
      'status-synonyms': { type: 'string' },
    },
  });
  const eventId = Number(values.event);
  if (!values.event || !Number.isInteger(eventId) || eventId < 1) throw new UsageError('--event must be an event id (a positive whole number)');
  if (positionals.length !== 1) throw new UsageError('give exactly one file to import');
  if (values.state !== 'DRAFT' && values.state !== 'PROVISIONAL') throw new UsageError('--state must be DRAFT or PROVISIONAL');
  // The form field's parser, so the command refuses exactly what the API refuses, in the same words.
  const synonyms = values['status-synonyms'] === undefined ? undefined : parseSynonyms(values['status-synonyms']);
  if (synonyms && !synonyms.ok) throw new UsageError(`--status-synonyms: ${synonyms.message}`);
  return {
    eventId, file: positionals[0], category: values.category ?? null, state: values.state, json: values.json ?? false, statusSynonyms: synonyms?.value,
  };
}

class UsageError extends Error {}

/** The audit log's actor for this command: `cli:` and the operating-system user who ran it. */
function cliActor(): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers): fall back to the environment.
  }
  user ||= process.env.USER || process.env.LOGNAME || 'unknown';
  return `cli:${user}`.slice(0, 100);
}

function printReport(report: ImportReport): void {
  console.log(`Imported ${report.rows} rows (${report.format}) into event ${report.eventId}:`);
  for (const c of report.categories) {
    const revises = c.revises === null ? '' : ` (revision of APPROVED set ${c.revises})`;
    console.log(`  ${c.category}: ${c.rows} rows → result set ${c.resultSetId}, ${c.action}, ${c.state}${revises}`);
    for (const warning of c.warnings) console.log(`    warning: ${warning}`);
  }
  for (const warning of report.warnings) console.log(`warning: ${warning}`);
  if (report.unknownColumns.length > 0) console.log(`ignored columns: ${report.unknownColumns.join(', ')}`);
  console.log(report.leaderboardIds.length > 0 ? `leaderboards to recalculate: ${report.leaderboardIds.join(', ')}` : 'no leaderboard reads these results yet');
}

function printProblems(err: ImportValidationError): void {
  for (const p of err.details.errors) {
    const where = [p.sheet === null ? null : `sheet "${p.sheet}"`, `row ${p.row}`, p.column === null ? null : `column "${p.column}"`].filter(Boolean).join(', ');
    console.error(`${where}: ${p.message}`);
  }
  const shown = err.details.errors.length;
  console.error(`${err.message}${shown < err.details.totalErrors ? ` (the first ${shown} are listed)` : ''}`);
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  let size: number;
  try {
    size = (await stat(options.file)).size;
  } catch (err) {
    console.error(`cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 2;
  }
  if (size > config.importMaxBytes) {
    console.error(`${options.file} is ${size} bytes; at most ${config.importMaxBytes} (IMPORT_MAX_BYTES) are accepted`);
    return 1;
  }
  const file = await readFile(options.file);
  await prepareDatabase(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(ImportCliModule.forRoot(config), { logger: ['error'] });
  const bar = process.stderr.isTTY && !options.json
    ? new SingleBar({ format: 'importing |{bar}| {value}/{total} rows', hideCursor: true }, Presets.shades_classic)
    : null;
  try {
    bar?.start(1, 0);
    const report = await app.get(ResultsImportService).import({
      eventId: options.eventId,
      file,
      fileName: basename(options.file),
      actor: cliActor(),
      category: options.category,
      state: options.state,
      statusSynonyms: options.statusSynonyms,
      onProgress: ({ rowsRead, totalRows }) => {
        bar?.setTotal(Math.max(totalRows, rowsRead));
        bar?.update(rowsRead);
      },
    });
    bar?.stop();
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    return 0;
  } catch (err) {
    bar?.stop();
    if (err instanceof ImportValidationError) {
      if (options.json) console.log(JSON.stringify({ message: err.message, ...err.details }, null, 2));
      else printProblems(err);
      return 1;
    }
    // A synonym naming a code that is not registered is known only once the registry is read:
    // it is still bad usage of the option, as a malformed pair is.
    const synonymProblem = err instanceof InvalidInputError ? err.problems.find((p) => p.field === 'statusSynonyms') : undefined;
    if (synonymProblem) {
      console.error(`--status-synonyms: ${synonymProblem.message}`);
      console.error(USAGE);
      return 2;
    }
    if (err instanceof DomainError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `Import failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
