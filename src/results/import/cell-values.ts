import type { ResultStatus } from '../result-status';

/**
 * Spreadsheet cells as organisers' timing software writes them, turned into result fields.
 * Each parser returns the value or a message that says what was expected.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** A cell's value as exceljs or csv-parse hands it over. */
export type CellValue = string | number | boolean | Date | null | undefined | { [key: string]: unknown };

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

const STATUS_WORDS = new Map<string, ResultStatus>([
  ['fin', 'FIN'], ['finished', 'FIN'], ['ok', 'FIN'],
  ['dnf', 'DNF'], ['dns', 'DNS'],
  ['dsq', 'DSQ'], ['dq', 'DSQ'], ['disqualified', 'DSQ'],
]);

/** DNF, DNS, DSQ (or DQ); blank means the rider finished. */
export function parseStatus(value: CellValue): Parsed<ResultStatus> {
  const text = cellText(value);
  if (text === null) return ok('FIN');
  const status = STATUS_WORDS.get(text.toLowerCase().replace(/\.$/, ''));
  return status ? ok(status) : fail(`"${text}" is not a status; use DNF, DNS, DSQ (or DQ), or leave it blank for a finisher`);
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
export function parsePlace(value: CellValue, maxPlace: number): Parsed<Place> {
  const plain = plainValue(value);
  if (typeof plain === 'number') {
    if (!Number.isInteger(plain) || plain < 1 || plain > maxPlace) return fail(`place must be a whole number from 1 to ${maxPlace}, got ${plain}`);
    return ok({ position: plain, tied: false, status: null });
  }
  const text = cellText(value);
  if (text === null) return ok({ position: null, tied: false, status: null });
  const status = STATUS_WORDS.get(text.toLowerCase());
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
