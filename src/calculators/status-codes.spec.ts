import { computeStandings, ScoringError } from '.';
import { EventInput, LeaderboardConfig, PointsScaleConfig, RaceResultInput, Status } from './types';

const board = (over: Partial<LeaderboardConfig> = {}): LeaderboardConfig => ({
  type: 'INDIVIDUAL', categories: [{ code: 'ILCA', multiplier: 1 }], eventScope: 'ALL', tieBreaks: ['COUNTBACK', 'MOST_RECENT'], ...over,
});
const event = (id: number): EventInput => ({ id, name: `Race ${id}`, date: `2026-05-${String(id).padStart(2, '0')}`, starred: false, pointsMultiplier: 1 });
/** Low point, Appendix A's defaults (a scale with `codes`). */
const APPENDIX_A: PointsScaleConfig = { kind: 'TABLE', table: [1], lowPoint: true, codes: {} };

let nextId = 1;
/** `what`: a place (a finisher), a code (unplaced), or [place, code] (a placed penalty code). */
function result(eventId: number, boat: string, what: number | Status | [number, Status]): RaceResultInput {
  const [position, status] = typeof what === 'number' ? [what, 'FIN' as Status] : Array.isArray(what) ? what : [null, what];
  return {
    id: nextId++, eventId, category: 'ILCA', participantId: boat.charCodeAt(0), participantName: boat,
    custom1: null, custom2: null, custom3: null, position, status,
  };
}
const standings = (entries: { name: string; points: number; position: number | null }[]) => entries.map((e) => [e.name, e.points, e.position]);

describe('status codes and missed races: worked examples', () => {
  /**
   * Issue 15's complaint: A raced twice (a win and a DNF) and B raced all three rounds. Scored
   * as before (no points for a missed race, DNF = starters + 1) A leads; scored as the RRS
   * says (A2.2: a boat that entered any race is scored for all; DNC and DNF = 6 entered + 1),
   * B does.
   */
  const issue = () => [
    result(1, 'A', 1), result(1, 'B', 2), result(1, 'C', 3), result(1, 'D', 4), result(1, 'E', 5), result(1, 'F', 6),
    result(2, 'A', 'DNF'), result(2, 'B', 3), result(2, 'C', 1), result(2, 'D', 2),
    result(3, 'B', 2), result(3, 'C', 1), result(3, 'D', 3), result(3, 'E', 4),
  ];
  const events = [event(1), event(2), event(3)];

  it("the issue's example as it was: a rider with a DNF and a missed race ranks ahead of one who raced all three", () => {
    const { entries } = computeStandings({ scale: { kind: 'TABLE', table: [1], lowPoint: true }, board: board(), events, results: issue() });
    // A: 1 + (4 starters + 1) = 6; B: 2 + 3 + 2 = 7.
    expect(entries.find((e) => e.name === 'A')!.points).toBe(6);
    expect(entries.find((e) => e.name === 'B')!.points).toBe(7);
    expect(entries.findIndex((e) => e.name === 'A')).toBeLessThan(entries.findIndex((e) => e.name === 'B'));
  });

  it("the issue's example under Appendix A with missed races as DNC: the rider who raced all three ranks ahead", () => {
    const { entries } = computeStandings({ scale: APPENDIX_A, board: board({ missed: 'DNC' }), events, results: issue() });
    // 6 boats entered: DNF and DNC score 7. C: 3+1+1 = 5; D: 4+2+3 = 9; B: 2+3+2 = 7; A: 1+7+7 = 15;
    // E: 5+7(DNC)+4 = 16; F: 6+7+7 = 20.
    expect(standings(entries)).toEqual([['C', 5, 1], ['B', 7, 2], ['D', 9, 3], ['A', 15, 4], ['E', 16, 5], ['F', 20, 6]]);
    const a = entries.find((e) => e.name === 'A')!;
    expect(a.breakdown.counted.map((l) => [l.eventId, l.status, l.place, l.points])).toEqual([[1, 'FIN', 1, 1], [2, 'DNF', null, 7], [3, 'DNC', null, 7]]);
  });

  /** The hand-worked table of docs/scoring.md §7: four races, six boats, every code, one discard. */
  it('an Appendix A series with every code scores as docs/scoring.md works it by hand', () => {
    const scale: PointsScaleConfig = { ...APPENDIX_A, codes: { DPI: { penaltyPoints: 2 } } };
    const results = [
      result(1, 'A', 1), result(1, 'B', 2), result(1, 'C', [3, 'ZFP']), result(1, 'D', 4), result(1, 'E', 'OCS'), result(1, 'F', 'DNS'),
      result(2, 'A', 2), result(2, 'B', [1, 'SCP']), result(2, 'C', 'UFD'), result(2, 'D', 3), result(2, 'E', [4, 'DPI']),
      result(3, 'A', 'BFD'), result(3, 'B', 'NSC'), result(3, 'C', 1), result(3, 'D', 'DNF'), result(3, 'E', 2), result(3, 'F', 3),
      result(4, 'A', 'RET'), result(4, 'B', 'RAF'), result(4, 'C', 'DSQ'), result(4, 'D', 'DNE'), result(4, 'E', 'DGM'), result(4, 'F', 'RDG'),
    ];
    const { entries } = computeStandings({ scale, board: board({ missed: 'DNC', dropWorst: 1 }), events: [event(1), event(2), event(3), event(4)], results });
    expect(standings(entries)).toEqual([['A', 10, 1], ['B', 11.4, 2], ['C', 12.4, 3], ['D', 14, 4], ['E', 15, 5], ['F', 15.7, 6]]);
    const lines = (name: string) => {
      const e = entries.find((x) => x.name === name)!;
      return {
        counted: e.breakdown.counted.map((l) => `${l.eventId}:${l.status}${l.place ?? ''}=${l.points}`),
        dropped: e.breakdown.dropped.map((l) => `${l.eventId}:${l.status}${l.place ?? ''}=${l.points}`),
      };
    };
    // ZFP and SCP: the place + 20 % of DNF's 7 = 1.4; DPI: the place + the scale's 2.
    expect(lines('B')).toEqual({ counted: ['1:FIN2=2', '2:SCP1=2.4', '4:RAF=7'], dropped: ['3:NSC=7'] });
    expect(lines('C')).toEqual({ counted: ['1:ZFP3=4.4', '3:FIN1=1', '4:DSQ=7'], dropped: ['2:UFD=7'] });
    // DNE and DGM may not be discarded: the DNF (D) and the OCS (E) go instead.
    expect(lines('D')).toEqual({ counted: ['1:FIN4=4', '2:FIN3=3', '4:DNE=7'], dropped: ['3:DNF=7'] });
    expect(lines('E')).toEqual({ counted: ['2:DPI4=6', '3:FIN2=2', '4:DGM=7'], dropped: ['1:OCS=7'] });
    // F missed race 2 (DNC, 7); redress in race 4 is the average of 7, 7 and 3 = 5.67, to 5.7.
    expect(lines('F')).toEqual({ counted: ['2:DNC=7', '3:FIN3=3', '4:RDG=5.7'], dropped: ['1:DNS=7'] });
  });

  it('a penalty on the place is rounded to a tenth and never worse than DNF', () => {
    // 10 boats entered: DNF = 11, 20 % of it = 2.2. 2nd + 2.2 = 4.2; 10th + 2.2 = 12.2, capped at 11.
    const results = Array.from({ length: 10 }, (_, i) => result(1, String.fromCharCode(65 + i), i === 1 ? [2, 'ZFP'] : i === 9 ? [10, 'SCP'] : i + 1));
    const { entries } = computeStandings({ scale: APPENDIX_A, board: board(), events: [event(1)], results });
    expect(entries.find((e) => e.name === 'B')!.points).toBe(4.2);
    expect(entries.find((e) => e.name === 'J')!.points).toBe(11);
    // 30 % of 11 = 3.3 exactly; of a 7-boat series' DNF (8), 2.4.
    const thirty = computeStandings({ scale: { ...APPENDIX_A, codes: { ZFP: { penaltyPercent: 30 } } }, board: board(), events: [event(1)], results });
    expect(thirty.entries.find((e) => e.name === 'B')!.points).toBe(5.3);
  });

  it('each base counts what it says, plus its plus; a fixed number is that number', () => {
    // Race 1: 5 results (one DNS, one DNC): 3 starters, 2 finishers, 5 entered; race 2 adds a sixth boat.
    const results = [
      result(1, 'A', 1), result(1, 'B', 2), result(1, 'C', 'DNF'), result(1, 'D', 'DNS'), result(1, 'E', 'DNC'), result(2, 'F', 1),
    ];
    const scale: PointsScaleConfig = {
      ...APPENDIX_A,
      codes: { DNF: { base: 'STARTERS', plus: 2 }, DNS: { base: 'FINISHERS' }, DNC: { base: 'ENTERED_IN_RACE', plus: 1 }, RET: 9 },
    };
    const points = (codes: PointsScaleConfig['codes']) =>
      Object.fromEntries(computeStandings({ scale: { ...scale, codes }, board: board(), events: [event(1), event(2)], results }).entries.map((e) => [e.name, e.points]));
    expect(points(scale.codes)).toMatchObject({ C: 5, D: 2, E: 6 });
    expect(points({ DNF: { base: 'ENTERED_IN_SERIES', plus: 1 } })).toMatchObject({ C: 7 });
    expect(points({ DNF: { base: 'ZERO', plus: 4 } })).toMatchObject({ C: 4 });
    expect(points({ DNF: 3.5 })).toMatchObject({ C: 3.5 });
  });

  it('a high-point scale scores every code 0 by default; redress is the average of the other races', () => {
    const F1: PointsScaleConfig = { kind: 'TABLE', table: [25, 18, 15, 12], codes: {} };
    const results = [result(1, 'A', 1), result(1, 'B', 'OCS'), result(2, 'A', 2), result(2, 'B', [1, 'ZFP']), result(3, 'A', 'RDG'), result(3, 'B', 1)];
    const { entries } = computeStandings({ scale: F1, board: board(), events: [event(1), event(2), event(3)], results });
    // A: 25 + 18 + (25 + 18) / 2 = 64.5; B: 0 + 0 + 25 = 25.
    expect(standings(entries)).toEqual([['A', 64.5, 1], ['B', 25, 2]]);
  });

  it('redress over stated races averages only those', () => {
    const scale: PointsScaleConfig = { ...APPENDIX_A, codes: { RDG: { redress: 'AVERAGE', eventIds: [1, 2] } } };
    const results = [result(1, 'A', 1), result(1, 'B', 2), result(2, 'A', 2), result(2, 'B', 1), result(3, 'A', 2), result(3, 'B', 1), result(4, 'A', 'RDG'), result(4, 'B', 1)];
    const a = computeStandings({ scale, board: board(), events: [1, 2, 3, 4].map(event), results }).entries.find((e) => e.name === 'A')!;
    expect(a.breakdown.counted.map((l) => l.points)).toEqual([1, 2, 2, 1.5]);
  });

  it('a missed race is discardable, a DNE is not, and not even with dropWorst large enough for both', () => {
    const results = [result(1, 'A', 1), result(1, 'B', 2), result(2, 'B', 1), result(3, 'A', 'DNE'), result(3, 'B', 1)];
    const entries = computeStandings({ scale: APPENDIX_A, board: board({ missed: 'DNC', dropWorst: 2 }), events: [1, 2, 3].map(event), results }).entries;
    const a = entries.find((e) => e.name === 'A')!;
    expect(a.breakdown.counted.map((l) => `${l.eventId}:${l.status}`)).toEqual(['3:DNE']);
    expect(a.breakdown.dropped.map((l) => `${l.eventId}:${l.status}`)).toEqual(['2:DNC', '1:FIN']);
    // `discardable: false` on a code keeps it too.
    const kept = computeStandings({ scale: { ...APPENDIX_A, codes: { DNC: { base: 'ENTERED_IN_SERIES', plus: 1, discardable: false } } }, board: board({ missed: 'DNC', dropWorst: 1 }), events: [1, 2, 3].map(event), results });
    expect(kept.entries.find((e) => e.name === 'A')!.breakdown.counted.map((l) => l.status)).toEqual(['DNC', 'DNE']);
  });

  it('minEvents counts races raced, not missed-race DNC lines', () => {
    const results = [result(1, 'A', 1), result(1, 'B', 2), result(2, 'B', 1)];
    const entries = computeStandings({ scale: APPENDIX_A, board: board({ missed: 'DNC', minEvents: 2 }), events: [event(1), event(2)], results }).entries;
    expect(entries.map((e) => [e.name, e.position])).toEqual([['B', 1], ['A', null]]);
  });

  it('scales without codes keep their meaning: statusPoints, else starters + 1 in low point; a new code scores as DNF did', () => {
    const results = [result(1, 'A', 1), result(1, 'B', 'RET'), result(1, 'C', 'DNS'), result(1, 'D', [2, 'ZFP'])];
    const legacy = (scale: PointsScaleConfig) => Object.fromEntries(computeStandings({ scale, board: board(), events: [event(1)], results }).entries.map((e) => [e.name, e.points]));
    // 3 starters (DNS does not start): RET = 4; ZFP keeps its place's points.
    expect(legacy({ kind: 'TABLE', table: [1], lowPoint: true })).toEqual({ A: 1, B: 4, C: 4, D: 2 });
    expect(legacy({ kind: 'TABLE', table: [1], lowPoint: true, statusPoints: { DNF: 10, DNS: 20 } })).toEqual({ A: 1, B: 10, C: 20, D: 2 });
    expect(legacy({ kind: 'TABLE', table: [10, 6], statusPoints: { DNF: 1 } })).toEqual({ A: 10, B: 1, C: 0, D: 6 });
  });

  it('team boards take every code: a DNE of a counted rider keeps the team score; a ZFP rider is a finisher', () => {
    const school = { id: 1, name: 'Hillside' };
    const results = [result(1, 'A', 1), result(1, 'B', [2, 'ZFP']), result(2, 'A', 'DNE'), result(2, 'B', 1), result(2, 'C', 2)].map((r) => ({ ...r, custom1: school }));
    const { entries } = computeStandings({ scale: APPENDIX_A, board: board({ type: 'SCHOOL', minRiders: 2, dropWorst: 1 }), events: [event(1), event(2)], results });
    // 3 entered: DNF = 4, ZFP 2nd = 2 + 0.8. Race 1 (two finishers, the ZFP one of them): 1 + 2.8 = 3.8;
    // race 2: 4 + 1 + 2 = 7, the worse, but kept (DNE): race 1 goes.
    expect(entries[0].breakdown.counted.map((l) => [l.eventId, l.points])).toEqual([[2, 7]]);
    expect(entries[0].breakdown.dropped.map((l) => [l.eventId, l.points])).toEqual([[1, 3.8]]);
  });
});

describe('redress per result (RRS A9)', () => {
  const redressed = (eventId: number, boat: string, redress: RaceResultInput['redress']): RaceResultInput => ({ ...result(eventId, boat, 'RDG'), redress });
  const events = [event(1), event(2), event(3), event(4), event(5)];

  /** The hand-worked table of docs/scoring.md §6 ("Redress for one result"): every form of redress, and the scale's rule. */
  it('scores docs/scoring.md\'s worked redress series', () => {
    const results = [
      result(1, 'A', 1), result(1, 'B', 2), result(1, 'C', 3), result(1, 'D', 4), redressed(1, 'E', { events: [2, 3] }),
      result(2, 'A', 3), result(2, 'B', 1), redressed(2, 'C', { average: true }), result(2, 'D', 2), result(2, 'E', 4),
      redressed(3, 'A', { points: 3.5 }), result(3, 'B', 3), result(3, 'C', 1), result(3, 'D', 2), redressed(3, 'E', { points: 2 }),
      result(4, 'A', 2), redressed(4, 'B', { events: [1, 2] }), result(4, 'C', 3), result(4, 'D', 1), result(4, 'E', 4),
      result(5, 'A', 1), result(5, 'B', 2), result(5, 'C', 4), result(5, 'D', 'RDG'), result(5, 'E', 3),
    ];
    const { entries } = computeStandings({ scale: APPENDIX_A, board: board(), events, results });
    expect(standings(entries)).toEqual([['B', 9.5, 1], ['A', 10.5, 2], ['D', 11.3, 3], ['C', 13.8, 4], ['E', 17, 5]]);
    const rdg = (name: string) => entries.find((e) => e.name === name)!.breakdown.counted.filter((l) => l.status === 'RDG').map((l) => `${l.eventId}=${l.points}`);
    expect([rdg('A'), rdg('B'), rdg('C'), rdg('D'), rdg('E')]).toEqual([['3=3.5'], ['4=1.5'], ['2=2.8'], ['5=2.3'], ['1=4', '3=2']]);
  });

  it('a stated score is not multiplied; nothing to average keeps the score the status gave; a scale with a fixed RDG score yields to a given redress', () => {
    const doubled = [event(1), { ...event(2), pointsMultiplier: 2 }];
    const scale: PointsScaleConfig = { ...APPENDIX_A, codes: { RDG: 4 } };
    const results = [
      result(1, 'A', 1), result(1, 'B', 2), redressed(1, 'C', { events: [2] }),
      redressed(2, 'A', { points: 1.5 }), result(2, 'B', 1), redressed(2, 'C', { average: true }),
    ];
    const { entries } = computeStandings({ scale, board: board(), events: doubled, results });
    // A: 1 + 1.5 (as stated, not × 2); B: 2 + 1 × 2; C: both races are redress, nothing to average: the scale's 4 each (× 2 in race 2).
    expect(standings(entries)).toEqual([['A', 2.5, 1], ['B', 4, 2], ['C', 12, 3]]);
  });

  it('refuses redress on another status, or one that is not one of its three forms', () => {
    const run = (r: RaceResultInput) => () => computeStandings({ scale: APPENDIX_A, board: board(), events, results: [r] });
    expect(run({ ...result(1, 'A', 'DNF'), redress: { points: 2 } })).toThrow(/a DNF result cannot have redress \(RDG only\)/);
    expect(run(redressed(1, 'A', { points: 2.25 }))).toThrow(/redress points must be a number ≥ 0 to one decimal, got 2.25/);
    expect(run(redressed(1, 'A', { points: 2, average: true } as never))).toThrow(/exactly one of/);
    expect(run(redressed(1, 'A', { events: [] }))).toThrow(/events must be a non-empty list of event ids/);
    expect(run(redressed(1, 'A', { average: false } as never))).toThrow(/average must be true/);
  });
});

describe('status codes: bad configuration names the setting', () => {
  const run = (codes: unknown, missed?: unknown) => () =>
    computeStandings({ scale: { ...APPENDIX_A, codes: codes as PointsScaleConfig['codes'] }, board: board({ missed: missed as 'DNC' }), events: [], results: [] });
  it.each([
    ['a percentage over 100', { ZFP: { penaltyPercent: 120 } }, /codes\.ZFP\.penaltyPercent must be a percentage from 0 to 100, got 120/],
    ['an unknown code', { XYZ: 1 }, /unknown status code "XYZ"; known: DNF, DNS, DSQ, DNC/],
    ['an unknown base', { DNF: { base: 'BOATS' } }, /unknown base "BOATS"/],
    ['two rules at once', { DNF: { points: 1, base: 'STARTERS' } }, /codes\.DNF mixes rules/],
    ['a penalty on an unplaced code', { DNF: { penaltyPercent: 20 } }, /a penalty on the place is for placed codes \(ZFP, SCP, DPI\), not DNF/],
    ['redress for another code', { DNS: { redress: 'AVERAGE' } }, /redress is for RDG, not DNS/],
    ['an event listed twice', { RDG: { redress: 'AVERAGE', eventIds: [1, 1] } }, /an event is listed twice/],
    ['an unknown setting', { DNF: { point: 1 } }, /unknown setting "point"/],
  ])('%s', (_, codes, message) => {
    expect(run(codes)).toThrow(ScoringError);
    expect(run(codes)).toThrow(message);
  });
  it('an unknown missed-race rule', () => {
    expect(run({}, 'DNS')).toThrow(/missed must be NONE or DNC/);
  });
});

describe('organiser-defined codes (the registry as a scale\'s registeredCodes)', () => {
  const registeredCodes = { OTL: 32, LAP: 33 };
  /** High point, OTL named (5 points, never discarded), LAP not named (as DNF: 0 here, discardable). */
  const scale: PointsScaleConfig = { kind: 'TABLE', table: [10, 8, 6], codes: { OTL: { points: 5, discardable: false } }, registeredCodes };
  const own = (eventId: number, boat: string, status: string): RaceResultInput => ({ ...result(eventId, boat, 'DNF'), status });

  it('score by the scale\'s rule, or as DNF does there, and are named in the breakdown', () => {
    const results = [result(1, 'A', 1), own(1, 'B', 'OTL'), own(1, 'C', 'LAP'), result(2, 'A', 'DNF'), result(2, 'B', 1), result(2, 'C', 2)];
    const { entries } = computeStandings({ scale, board: board({ dropWorst: 1 }), events: [event(1), event(2)], results });
    // A: 10 + 0, the 0 dropped; B: OTL's 5 may not be dropped, so the 10 is; C: LAP scores as DNF (0), dropped.
    expect(standings(entries)).toEqual([['A', 10, 1], ['C', 8, 2], ['B', 5, 3]]);
    const b = entries.find((e) => e.name === 'B')!.breakdown;
    expect(b.counted.map((l) => [l.status, l.points])).toEqual([['OTL', 5]]);
    expect(entries.find((e) => e.name === 'C')!.breakdown.dropped.map((l) => [l.status, l.points])).toEqual([['LAP', 0]]);
  });

  it('on a low-point scale an unnamed one scores as DNF (entered in the series + 1)', () => {
    const low: PointsScaleConfig = { ...APPENDIX_A, registeredCodes };
    const { entries } = computeStandings({ scale: low, board: board(), events: [event(1)], results: [result(1, 'A', 1), result(1, 'B', 2), own(1, 'C', 'LAP')] });
    expect(standings(entries)).toEqual([['A', 1, 1], ['B', 2, 2], ['C', 4, 3]]);
  });

  it('a scale naming a code that is not registered is refused, naming it and listing the known ones', () => {
    const run = () => computeStandings({ scale: { ...scale, codes: { XYZ: 3 } }, board: board(), events: [event(1)], results: [] });
    expect(run).toThrow(ScoringError);
    expect(run).toThrow(/unknown status code "XYZ"; known: DNF, .*RDG, LAP, OTL$/);
    try {
      run();
    } catch (err) {
      expect((err as ScoringError).path).toBe('codes.XYZ');
    }
  });

  it('a penalty on the place or a redress is refused for an organiser-defined code (it is unplaced)', () => {
    expect(() => computeStandings({ scale: { ...scale, codes: { OTL: { penaltyPercent: 20 } } }, board: board(), events: [], results: [] })).toThrow(/penalty on the place is for placed codes/);
    expect(() => computeStandings({ scale: { ...scale, codes: { OTL: { redress: 'AVERAGE' } } }, board: board(), events: [], results: [] })).toThrow(/redress is for RDG/);
  });

  it('a result of a code the registry does not hold is refused, as is a place on an organiser-defined code', () => {
    expect(() => computeStandings({ scale: { kind: 'TABLE', table: [10] }, board: board(), events: [event(1)], results: [own(1, 'A', 'OTL')] })).toThrow(/unknown status "OTL"/);
    expect(() => computeStandings({ scale, board: board(), events: [event(1)], results: [{ ...own(1, 'A', 'OTL'), position: 1 }] })).toThrow(/a OTL result cannot have a place/);
  });
});
