import { cellText, parsePlace, parseStatus, parseTime, splitName } from './cell-values';
import { headerDictionary, mapHeader, normaliseHeader } from './header-mapping';

const value = <T>(parsed: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};
const message = (parsed: { ok: boolean; message?: string }): string => (parsed.ok ? 'ok' : parsed.message!);

describe('cell values', () => {
  it('reads formulas by their cached result, rich text and hyperlinks by their text', () => {
    expect(cellText({ formula: 'A1+1', result: 3 })).toBe('3');
    expect(cellText({ formula: 'NOW()' })).toBeNull();
    expect(cellText({ richText: [{ text: 'Ann ' }, { text: 'Lee' }] })).toBe('Ann Lee');
    expect(cellText({ text: 'Hillside', hyperlink: 'http://x' })).toBe('Hillside');
    expect(cellText({ error: '#N/A' })).toBeNull();
    expect(cellText('  ')).toBeNull();
  });

  it.each([
    ['', 'FIN'], ['DNF', 'DNF'], ['dns', 'DNS'], ['DQ', 'DSQ'], ['DSQ', 'DSQ'], ['Finished', 'FIN'],
  ])('status %p is %s', (text, status) => expect(value(parseStatus(text))).toBe(status));

  it('refuses an unknown status and says what is allowed', () => {
    expect(message(parseStatus('LATE'))).toMatch(/"LATE" is not a status; use DNF, DNS, DSQ/);
  });

  it.each([
    [3, { position: 3, tied: false, status: null }],
    ['3', { position: 3, tied: false, status: null }],
    ['=3', { position: 3, tied: true, status: null }],
    ['3=', { position: 3, tied: true, status: null }],
    ['T3', { position: 3, tied: true, status: null }],
    ['2nd', { position: 2, tied: false, status: null }],
    ['DNF', { position: null, tied: false, status: 'DNF' }],
    [null, { position: null, tied: false, status: null }],
  ])('place %p', (cell, expected) => expect(value(parsePlace(cell, 1000))).toEqual(expected));

  it.each([[0], [-1], [2.5], ['abc'], ['0'], [1001]])('refuses the place %p', (cell) => {
    expect(parsePlace(cell, 1000).ok).toBe(false);
  });

  it.each([
    ['1:02:03.456', 3_723_456], ['02:03', 123_000], ['2:03.5', 123_500], ['3725.4', 3_725_400], ['59', 59_000],
    [61.25, 61_250], [new Date(Date.UTC(1899, 11, 30, 1, 2, 3, 400)), 3_723_400], [null, null],
  ])('time %p is %p ms', (cell, ms) => expect(value(parseTime(cell))).toBe(ms));

  it.each([['1:75:00'], ['12:61'], ['fast'], ['+0:12'], [-3]])('refuses the time %p', (cell) => {
    expect(parseTime(cell).ok).toBe(false);
  });

  it.each([
    ['Lee, Ann', { firstName: 'Ann', lastName: 'Lee' }],
    ['LEE Ann', { firstName: 'Ann', lastName: 'LEE' }],
    ['VAN DER BERG Jan', { firstName: 'Jan', lastName: 'VAN DER BERG' }],
    ['Ann Marie  Lee', { firstName: 'Ann Marie', lastName: 'Lee' }],
    ['ANN LEE', { firstName: 'ANN', lastName: 'LEE' }],
  ])('splits %p', (full, name) => expect(value(splitName(full))).toEqual(name));

  it('needs two names', () => expect(message(splitName('Madonna'))).toMatch(/needs a first and a last name/));
});

describe('header mapping', () => {
  const dictionary = headerDictionary({ custom1: 'School', custom2: 'Club', custom3: null });

  it('matches headers without case, spaces or punctuation, with synonyms and the series labels', () => {
    const map = mapHeader(['Pos', 'Bib No', 'UCI ID', 'First Name', 'last_name', 'CAT', 'Time', 'Status', 'school', 'Club', 'Notes'], dictionary);
    expect(Object.fromEntries(map.columns)).toEqual({
      place: 0, bib: 1, licence: 2, firstName: 3, lastName: 4, category: 5, time: 6, status: 7, custom1: 8, custom2: 9,
    });
    expect(map.unknown).toEqual(['Notes']);
  });

  it('never maps object prototype names', () => {
    const map = mapHeader(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Name'], dictionary);
    expect([...map.columns.keys()]).toEqual(['name']);
    expect(map.unknown).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(normaliseHeader('__proto__')).toBe('proto');
  });

  it('uses the first of two columns for one field', () => {
    const map = mapHeader(['Name', 'Place', 'Pos'], dictionary);
    expect(map.columns.get('place')).toBe(1);
    expect(map.duplicates).toEqual(['Pos']);
  });
});
