import { diffRows, MAX_AUDITED_KEYS } from './row-changes';
import type { ResultRowView } from './results.dto';

const row = (participantId: number, firstName: string, extra: Partial<ResultRowView> = {}, id = participantId * 10): ResultRowView => ({
  id,
  participant: { id: participantId, firstName, lastName: 'Lee' },
  bib: null, position: null, status: 'FIN', timeMs: null, custom1: null, custom2: null, custom3: null, redress: null,
  ...extra,
});

describe('diffRows', () => {
  it('is null when every rider has the same result, whatever the row ids', () => {
    expect(diffRows([row(1, 'Ann', { position: 1 }), row(2, 'Bo')], [row(2, 'Bo', {}, 99), row(1, 'Ann', { position: 1 }, 98)])).toBeNull();
  });

  it('counts riders added, removed and changed, keeping their keys and which fields changed', () => {
    const changes = diffRows(
      [row(1, 'Ann', { position: 1 }), row(2, 'Bo', { position: 2 }), row(3, 'Cy')],
      [row(1, 'Ann', { position: 2, custom1: 'Hillside' }), row(2, 'Bo', { position: 2 }), row(4, 'Di')],
    );
    expect(changes).toEqual({
      counts: { before: 3, after: 3, added: 1, removed: 1, changed: 1 },
      added: [{ participantId: 4, name: 'Di Lee' }],
      removed: [{ participantId: 3, name: 'Cy Lee' }],
      changed: [{ participantId: 1, name: 'Ann Lee', fields: ['position', 'custom1'] }],
    });
  });

  it('sees a rider renamed or given a licence as a change of the participant', () => {
    const renamed = { ...row(1, 'Ann'), participant: { id: 1, firstName: 'Anne', lastName: 'Lee', externalId: 'L-1' } };
    expect(diffRows([row(1, 'Ann')], [renamed])?.changed).toEqual([{ participantId: 1, name: 'Anne Lee', fields: ['participant'] }]);
  });

  it('lists at most MAX_AUDITED_KEYS keys of each kind, with exact counts', () => {
    const many = Array.from({ length: MAX_AUDITED_KEYS + 5 }, (_, i) => row(i + 1, `R${i}`));
    const changes = diffRows([], many)!;
    expect(changes.counts.added).toBe(MAX_AUDITED_KEYS + 5);
    expect(changes.added).toHaveLength(MAX_AUDITED_KEYS);
  });
});
