import { stringify } from 'csv-stringify/sync';
import { prng } from '../../common/prng';

/**
 * The demo season (`npm run demo`): a schools league, made from a fixed seed so every run
 * and every machine gets the same riders, schools and results.
 */

export const DEMO_SERIES_NAME = 'Podium demo: County Schools League';
export const DEMO_CATEGORIES = ['Year 7', 'Year 8', 'Year 9'] as const;
export const DEMO_RIDERS = 402;

export interface DemoRider {
  licence: string;
  firstName: string;
  lastName: string;
  school: string;
  category: string;
  /** Lower is faster: places come from skill plus a race-day draw. */
  skill: number;
}

export interface DemoResult {
  rider: DemoRider;
  place: number | null;
  status: 'FIN' | 'DNF';
}

export interface DemoEvent {
  name: string;
  date: string;
  pointsMultiplier: number;
  /** One race per category; riders who did not turn up are absent. */
  results: DemoResult[];
  /** The file as first published, when a corrected one replaced it later (the late correction). */
  firstPublished?: DemoResult[];
}

export interface DemoSeason {
  riders: DemoRider[];
  events: DemoEvent[];
}

const SCHOOLS = [
  'Hillside Academy', 'Riverside High', 'St Anne\'s', 'Oakwood School', 'Northgate College', 'Kingsmead',
  'Castle View', 'Westfield Academy', 'Brookfield High', 'Marlow Grammar', 'Ashdown School', 'Elmwood Community',
];
const FIRST = [
  'Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo', 'Freya', 'Oscar', 'Lily', 'Harry',
  'Sofia', 'Jack', 'Grace', 'Charlie', 'Ella', 'Theo', 'Rosie', 'Finley', 'Evie', 'Alfie', 'Poppy', 'Jacob', 'Aisha', 'Ravi',
  'Zara', 'Kofi', 'Mei', 'Tomasz', 'Niamh', 'Cian', 'Léa', 'Mateo', 'Hana', 'Yusuf', 'Chloé', 'Ingrid',
];
const LAST = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson',
  'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Lewis', 'Hughes', 'Nowak',
  'O\'Brien', 'Murphy', 'Okafor', 'Nguyen', 'Kowalski', 'Müller', 'García', 'Ahmed', 'Singh', 'Fraser', 'Campbell',
];
const EVENTS = [
  { name: 'Round 1: Hillside Park', date: '2026-03-07' },
  { name: 'Round 2: Riverside Meadows', date: '2026-03-21' },
  { name: 'Round 3: Castle Woods', date: '2026-04-18' },
  { name: 'Round 4: Oakwood Common', date: '2026-05-02' },
  { name: 'Round 5: Northgate Fields', date: '2026-05-16' },
  { name: 'Final: County Showground', date: '2026-06-06', pointsMultiplier: 2 },
];
/** The event whose results were corrected after publication (index into EVENTS). */
export const CORRECTED_EVENT = 2;

export function demoSeason(seed = 2026): DemoSeason {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const riders: DemoRider[] = [];
  const names = new Set<string>();
  for (let i = 0; i < DEMO_RIDERS; i++) {
    let firstName: string;
    let lastName: string;
    do {
      firstName = pick(FIRST);
      lastName = pick(LAST);
    } while (names.has(`${firstName} ${lastName}`));
    names.add(`${firstName} ${lastName}`);
    riders.push({
      licence: `DEMO-${String(i + 1).padStart(4, '0')}`,
      firstName,
      lastName,
      school: pick(SCHOOLS),
      category: DEMO_CATEGORIES[i % DEMO_CATEGORIES.length],
      skill: rnd(),
    });
  }
  const events = EVENTS.map((e) => ({ name: e.name, date: e.date, pointsMultiplier: e.pointsMultiplier ?? 1, results: [] as DemoResult[] }));
  for (const event of events) {
    for (const category of DEMO_CATEGORIES) {
      const field = riders.filter((r) => r.category === category && rnd() < 0.85);
      const timed = field.map((rider) => ({ rider, time: rider.skill + rnd() * 0.6, dnf: rnd() < 0.03 }));
      timed.sort((a, b) => a.time - b.time);
      let place = 0;
      for (const t of timed) event.results.push(t.dnf ? { rider: t.rider, place: null, status: 'DNF' } : { rider: t.rider, place: ++place, status: 'FIN' });
    }
  }
  // The late correction: a photo finish in Year 8 was read the wrong way round.
  const corrected = events[CORRECTED_EVENT] as DemoEvent;
  corrected.firstPublished = corrected.results.map((r) => ({ ...r }));
  const [first, second] = corrected.results.filter((r) => r.rider.category === 'Year 8' && r.place !== null && r.place <= 2);
  first.place = 2;
  second.place = 1;
  return { riders, events };
}

/** An event's results as the timing software's CSV (one file, a Category column). */
export function resultsCsv(results: DemoResult[]): string {
  return stringify([
    ['Place', 'Licence', 'First Name', 'Last Name', 'School', 'Category', 'Status'],
    ...results.map((r) => [r.place ?? '', r.rider.licence, r.rider.firstName, r.rider.lastName, r.rider.school, r.rider.category, r.status]),
  ], { record_delimiter: 'windows' });
}
