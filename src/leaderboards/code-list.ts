/**
 * `codes` as a list (issue 15): `[{ "code": "DNF", "base": "STARTERS", "plus": 1 }, …]`. A JSON
 * object cannot carry a code twice (JSON.parse keeps the last one, silently), a list can, so
 * only the list form can answer "a code twice" with a 400 naming it. Stored as the object form.
 */
import type { CodeScoring, StatusCodeRules } from '../calculators/types';
import { InvalidInputError } from '../common/errors/domain-errors';

/** One entry of the list form: the code, and its rule's settings beside it. */
export type CodeListEntry = CodeScoring & { code: string };

/** More entries than there are codes to name is a mistake, however the organiser-defined list grows. */
export const MAX_LISTED_CODES = 200;

/** The object form of a `codes` list, and where each code sat in the list (to name it in later errors). */
export interface ListedCodes {
  codes: StatusCodeRules;
  at: ReadonlyMap<string, number>;
}

/** A list's object form; a code listed twice, an entry that is not a rule, or one without its code is a 400 naming `codes[i]`. */
export function codesFromList(list: unknown[]): ListedCodes {
  if (list.length > MAX_LISTED_CODES) throw new InvalidInputError([{ field: 'codes', message: `at most ${MAX_LISTED_CODES} codes` }]);
  const at = new Map<string, number>();
  const entries: [string, CodeScoring][] = [];
  const problems: { field: string; message: string }[] = [];
  list.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ field: `codes[${i}]`, message: 'must be a rule object with its code, e.g. { "code": "DNF", "base": "STARTERS", "plus": 1 }' });
      return;
    }
    const { code, ...rule } = entry as Record<string, unknown>;
    if (typeof code !== 'string' || code === '') {
      problems.push({ field: `codes[${i}].code`, message: 'must be a status code, e.g. "DNF"' });
      return;
    }
    const first = at.get(code);
    if (first !== undefined) {
      problems.push({ field: `codes[${i}].code`, message: `${code} is listed twice (first at codes[${first}])` });
      return;
    }
    at.set(code, i);
    entries.push([code, rule as CodeScoring]);
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  // fromEntries makes own properties: a code named "__proto__" stays a (refused) code, not a prototype.
  return { codes: Object.fromEntries(entries) as StatusCodeRules, at };
}

/**
 * A path or message of the calculators' about `codes.X` as the list's `codes[i]`: the organiser
 * sent a list, so the error names the entry they wrote.
 */
export function inListTerms(text: string, at: ReadonlyMap<string, number>): string {
  return text.replace(/codes\.([^.\s:,]+)/g, (whole, code: string) => (at.has(code) ? `codes[${at.get(code)}]` : whole));
}
