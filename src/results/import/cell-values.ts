import type { Status } from '../../calculators';
import { RESULT_STATUSES, ResultStatus } from '../result-status';

/**
 * Spreadsheet cells as organisers' timing software writes them, turned into result fields.
 * Each parser returns the value or a message that says what was expected.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** A cell's value as exceljs or csv-parse hands it over. */
export type CellValue = string | number | boolean | Date | null | undefined | { [key: string]: unknown };

/** One row of a sheet: its 1-based row number and its cells from column A. */
export interface SheetRow {
  /** The worksheet's name; null for CSV. */
  sheet: string | null;
  row: number;
  cells: CellValue[];
}

/** Milliseconds from Excel's day zero (1899-12-30) to the Unix epoch. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * The text of a cell: formulas give their cached result (never re-evaluated), rich text its
 * plain text, hyperlinks their label. Empty and whitespace-only cells are null.
 */
export function cellText(value: CellValue): string | null {
  const plain = plainValue(value);
  if (plain === null) return null;
  const text = (plain instanceof Date ? plain.toISOString() : String(plain)).trim();
  return text === '' ? null : text;
}

/** Unwraps exceljs's object cells (formula, rich text, hyperlink, error) to a primitive. */
export function plainValue(value: CellValue): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  if ('result' in value || 'formula' in value || 'sharedFormula' in value) return plainValue(value.result as CellValue);
  if ('richText' in value && Array.isArray(value.richText)) {
    return value.richText.map((run: { text?: unknown }) => String(run.text ?? '')).join('');
  }
  if ('text' in value) return plainValue(value.text as CellValue);
  // An error cell (#N/A, #DIV/0!) has no usable value.
  return null;
}

/** Words for a status, lower case: every code, and what timing systems write. */
export type StatusWords = ReadonlyMap<string, ResultStatus>;

/**
 * Timing systems' words that are not codes, and what they mean by default (an import's
 * statusSynonyms can map them otherwise): OTL, over the time limit, did not finish in time; LAP,
 * lapped and pulled, keeps the place the timing gave (UCI cross-country ranks lapped riders). A
 * registered code of the same name wins: with OTL registered, "OTL" is stored as OTL and each
 * board's scale says how it scores.
 */
export const DEFAULT_SYNONYMS: Readonly<Record<string, ResultStatus>> = { OTL: 'DNF', LAP: 'FIN' };

export const STATUS_WORDS: StatusWords = new Map<string, ResultStatus>([
  ...RESULT_STATUSES.map((s): [string, ResultStatus] => [s.toLowerCase(), s]),
  ['finished', 'FIN'], ['ok', 'FIN'], ['dq', 'DSQ'], ['disqualified', 'DSQ'], ['retired', 'RET'],
  ...Object.entries(DEFAULT_SYNONYMS).map(([word, s]): [string, ResultStatus] => [word.toLowerCase(), s]),
]);

/** What an unknown status's message lists, by word list (the default list's is KNOWN). */
const knownWords = new WeakMap<StatusWords, string>();

/**
 * The words for a status: the defaults, then the registry's codes as themselves (over a default
 * word of the same name), then an import's own synonyms (word → code).
 */
export function statusWords(synonyms: Readonly<Record<string, ResultStatus>>, registered: Readonly<Record<string, number>> = {}): StatusWords {
  const codes = Object.keys(registered).sort();
  if (codes.length === 0 && Object.keys(synonyms).length === 0) return STATUS_WORDS;
  const words = new Map(STATUS_WORDS);
  for (const code of codes) words.set(code.toLowerCase(), code);
  for (const [word, status] of Object.entries(synonyms)) words.set(word.toLowerCase(), status);
  const defaults = Object.keys(DEFAULT_SYNONYMS).filter((word) => !codes.includes(word));
  knownWords.set(words, [BUILT_IN_KNOWN, ...codes, ...defaults].join(', '));
  return words;
}

/** A code as a synonym names it: letters and digits, a letter first, as the registry's codes are. */
const SYNONYM_CODE = /^[A-Za-z][A-Za-z0-9]{1,9}$/;

/**
 * The statusSynonyms form field, "OTL=DNF, LAP=RET": each word (letters, digits, up to 20) and
 * the code it stands for; null with a message naming the bad pair. Whether each code exists is
 * checked against the registry when the file is imported (unknownSynonymCode).
 */
export function parseSynonyms(text: string): Parsed<Record<string, ResultStatus>> {
  const synonyms: Record<string, ResultStatus> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([A-Za-z0-9]{1,20})\s*=\s*(\S{1,20})$/.exec(pair);
    if (!match) return fail(`"${pair}" is not WORD=CODE, e.g. OTL=DNF`);
    if (!SYNONYM_CODE.test(match[2])) return fail(`"${pair}": ${match[2]} is not a status code; known: ${RESULT_STATUSES.join(', ')} and the registered codes (GET /api/status-codes)`);
    if (match[1].toUpperCase() in synonyms) return fail(`"${match[1]}" is mapped twice`);
    synonyms[match[1].toUpperCase()] = match[2].toUpperCase();
  }
  return ok(synonyms);
}

/** The first pair of `synonyms` whose code is neither built-in nor registered, as a message; null when every code is known. */
export function unknownSynonymCode(synonyms: Readonly<Record<string, ResultStatus>>, registered: Readonly<Record<string, number>>): string | null {
  for (const [word, code] of Object.entries(synonyms)) {
    if (!RESULT_STATUSES.includes(code as Status) && !Object.prototype.hasOwnProperty.call(registered, code)) {
      return `"${word}=${code}": ${code} is not a status code; known: ${[...RESULT_STATUSES, ...Object.keys(registered).sort()].join(', ')}`;
    }
  }
  return null;
}

const BUILT_IN_KNOWN = RESULT_STATUSES.filter((s) => s !== 'FIN').join(', ').replace('DSQ', 'DSQ (or DQ)');
/** What an unknown status's message lists with the default words. */
const KNOWN = `${BUILT_IN_KNOWN}, ${Object.keys(DEFAULT_SYNONYMS).join(', ')}`;

/** A status code (DNF, DNS, DSQ or DQ, RET, the RRS codes, a registered code, …); blank means the rider finished. */
export function parseStatus(value: CellValue, words: StatusWords = STATUS_WORDS): Parsed<ResultStatus> {
  const text = cellText(value);
  if (text === null) return ok('FIN');
  const status = words.get(text.toLowerCase().replace(/\.$/, ''));
  const known = knownWords.get(words) ?? KNOWN;
  return status ? ok(status) : fail(`"${text}" is not a status; use ${known}, or leave it blank for a finisher (map another word with the statusSynonyms field, e.g. "${text}=DNF")`);
}

export interface Place {
  position: number | null;
  /** Marked as sharing the place ("=3", "3=" or "T3"). */
  tied: boolean;
  /** A status word written in the place column ("DNF"). */
  status: ResultStatus | null;
}

const PLACE = /^(=|t)?\s*(\d+)\s*(?:st|nd|rd|th|\.)?\s*(=)?$/i;

/**
 * A place: a positive whole number, optionally marked as a tie ("=3", "3=", "T3"); a status
 * word (DNF, DNS, DSQ) in the place column is read as the status; empty is no place.
 */
export function parsePlace(value: CellValue, maxPlace: number, words: StatusWords = STATUS_WORDS): Parsed<Place> {
  const plain = plainValue(value);
  if (typeof plain === 'number') {
    if (!Number.isInteger(plain) || plain < 1 || plain > maxPlace) return fail(`place must be a whole number from 1 to ${maxPlace}, got ${plain}`);
    return ok({ position: plain, tied: false, status: null });
  }
  const text = cellText(value);
  if (text === null) return ok({ position: null, tied: false, status: null });
  const status = words.get(text.toLowerCase());
  if (status && status !== 'FIN') return ok({ position: null, tied: false, status });
  const match = PLACE.exec(text);
  if (!match) return fail(`"${text}" is not a place; use a whole number from 1 (mark a shared place "=3"), or leave it empty`);
  const position = Number(match[2]);
  if (position < 1 || position > maxPlace) return fail(`place must be a whole number from 1 to ${maxPlace}, got ${text}`);
  return ok({ position, tied: Boolean(match[1] || match[3]), status: null });
}

const CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/;
const SECONDS = /^(\d+)(?:[.,](\d{1,3}))?$/;

/**
 * A finishing time in milliseconds: "h:mm:ss.sss", "mm:ss(.sss)", seconds ("3725.4"), a number
 * of seconds, or a spreadsheet time (a date-formatted cell, counted from Excel's day zero).
 */
export function parseTime(value: CellValue): Parsed<number | null> {
  const plain = plainValue(value);
  if (plain instanceof Date) {
    const ms = plain.getTime() - EXCEL_EPOCH_MS;
    return ms >= 0 && ms < 2_147_483_648 ? ok(Math.round(ms)) : fail(`${plain.toISOString()} is a date, not a race time`);
  }
  if (typeof plain === 'number') {
    if (!Number.isFinite(plain) || plain < 0 || plain * 1000 >= 2_147_483_648) return fail(`time must be a number of seconds from 0 to 2147483, got ${plain}`);
    return ok(Math.round(plain * 1000));
  }
  const text = cellText(value);
  if (text === null) return ok(null);
  const clock = CLOCK.exec(text);
  if (clock) {
    const [, h, m, s, frac] = clock;
    if (Number(s) >= 60 || (h !== undefined && Number(m) >= 60)) return fail(`"${text}" is not a time: minutes and seconds go up to 59`);
    const ms = ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + fraction(frac);
    return ms < 2_147_483_648 ? ok(ms) : fail(`"${text}" is longer than any race`);
  }
  const seconds = SECONDS.exec(text);
  if (seconds) {
    const ms = Number(seconds[1]) * 1000 + fraction(seconds[2]);
    return ms < 2_147_483_648 ? ok(ms) : fail(`"${text}" is longer than any race`);
  }
  return fail(`"${text}" is not a time; use h:mm:ss.sss, mm:ss or a number of seconds`);
}

function fraction(digits: string | undefined): number {
  return digits === undefined ? 0 : Math.round(Number(`0.${digits}`) * 1000);
}

export interface PersonName {
  firstName: string;
  lastName: string;
}

/**
 * One "Name" column split into first and last name: "Lee, Ann" (last name first, with a
 * comma); "LEE Ann" (a last name in capitals first, as many timing systems print it);
 * otherwise "Ann Marie Lee" is first name(s) then the last word.
 */
export function splitName(full: string): Parsed<PersonName> {
  const text = full.trim().replace(/\s+/g, ' ');
  const comma = text.indexOf(',');
  if (comma >= 0) {
    const lastName = text.slice(0, comma).trim();
    const firstName = text.slice(comma + 1).trim();
    return lastName && firstName ? ok({ firstName, lastName }) : fail(`"${text}" needs a first and a last name`);
  }
  const words = text.split(' ');
  if (words.length < 2) return fail(`"${text}" needs a first and a last name (or use First Name and Last Name columns)`);
  const capitals = words.findIndex((w) => !isUpperCaseWord(w));
  if (capitals > 0 && capitals < words.length) {
    return ok({ lastName: words.slice(0, capitals).join(' '), firstName: words.slice(capitals).join(' ') });
  }
  return ok({ firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1] });
}

function isUpperCaseWord(word: string): boolean {
  return word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase();
}
