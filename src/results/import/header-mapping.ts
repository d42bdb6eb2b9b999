import type { SlotLabels } from '../result-sets.repository';

/**
 * Maps a sheet's header row onto result fields. Header names are compared without case,
 * spaces or punctuation, through an allow-list of synonyms held in a Map, so a header such as
 * "__proto__" or "constructor" can never reach an object's prototype.
 */
export type ImportField =
  | 'place' | 'bib' | 'licence' | 'firstName' | 'lastName' | 'name' | 'category' | 'time' | 'status'
  | 'custom1' | 'custom2' | 'custom3';

const SYNONYMS: readonly [ImportField, readonly string[]][] = [
  ['place', ['place', 'pos', 'position', 'rank', 'plc', 'finishplace', 'overall']],
  ['bib', ['bib', 'no', 'num', 'number', 'bibno', 'bibnumber', 'racenumber', 'plate']],
  ['licence', ['licence', 'license', 'uciid', 'licenceno', 'licenseno', 'licencenumber', 'licensenumber', 'uci', 'memberid', 'externalid']],
  ['firstName', ['firstname', 'first', 'givenname', 'forename']],
  ['lastName', ['lastname', 'last', 'surname', 'familyname']],
  ['name', ['name', 'rider', 'ridername', 'fullname', 'athlete', 'competitor']],
  ['category', ['category', 'cat', 'class', 'division', 'race']],
  ['time', ['time', 'racetime', 'finishtime', 'elapsed', 'elapsedtime', 'totaltime']],
  ['status', ['status', 'resultstatus']],
  ['custom1', ['custom1']],
  ['custom2', ['custom2']],
  ['custom3', ['custom3']],
];

/** "First Name", "first_name" and "FIRSTNAME" all become "firstname". */
export function normaliseHeader(text: string): string {
  return text.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The allow-list for one series: the fixed synonyms plus the series' own slot labels (School, Club, Team). */
export function headerDictionary(labels: SlotLabels): Map<string, ImportField> {
  const dictionary = new Map<string, ImportField>();
  for (const [field, names] of SYNONYMS) for (const name of names) dictionary.set(name, field);
  for (const slot of ['custom1', 'custom2', 'custom3'] as const) {
    const label = labels[slot];
    // A series label wins over a synonym of the same name ("Team" as a slot, not anything else).
    if (label && normaliseHeader(label)) dictionary.set(normaliseHeader(label), slot);
  }
  return dictionary;
}

export interface HeaderMap {
  /** Column index (0-based) of each recognised field. */
  columns: Map<ImportField, number>;
  /** The header text of each recognised column, for error messages. */
  titles: Map<ImportField, string>;
  /** Headers that matched nothing; their columns are ignored. */
  unknown: string[];
  /** A field given twice: the first column is used. */
  duplicates: string[];
}

export function mapHeader(cells: (string | null)[], dictionary: Map<string, ImportField>): HeaderMap {
  const columns = new Map<ImportField, number>();
  const titles = new Map<ImportField, string>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  cells.forEach((text, index) => {
    if (text === null) return;
    const field = dictionary.get(normaliseHeader(text));
    if (field === undefined) unknown.push(text);
    else if (columns.has(field)) duplicates.push(text);
    else {
      columns.set(field, index);
      titles.set(field, text);
    }
  });
  return { columns, titles, unknown, duplicates };
}

/** A row is the header when it names a rider column and at least one other known column. */
export function looksLikeHeader(map: HeaderMap): boolean {
  const hasName = map.columns.has('name') || map.columns.has('lastName');
  return hasName && map.columns.size >= 2;
}
