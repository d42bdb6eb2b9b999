import type { ResultRowView } from './results.dto';

/** The most rider keys one audit row lists per kind of change; its counts are always exact. */
export const MAX_AUDITED_KEYS = 100;

/** A changed row in the audit log: who the rider is, not the whole row. */
export interface RowKey {
  participantId: number;
  name: string;
  /** For a changed row: which of its fields changed. */
  fields?: string[];
}

/** What a replace of a set's rows did, as the audit log keeps it: counts and the riders' keys. */
export interface RowChanges {
  counts: { before: number; after: number; added: number; removed: number; changed: number };
  added: RowKey[];
  removed: RowKey[];
  changed: RowKey[];
}

/** The fields of a row that are its result (the row id is not: a replace makes new ones). */
const RESULT_FIELDS = ['participant', 'bib', 'position', 'status', 'timeMs', 'custom1', 'custom2', 'custom3', 'redress'] as const;

const keyOf = (row: ResultRowView): RowKey => ({
  participantId: row.participant.id,
  name: `${row.participant.firstName} ${row.participant.lastName}`,
});

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A row's result fields, the participant's licence and spelling included (a rename is a change). */
function resultOf(row: ResultRowView): Record<string, unknown> {
  const { id: _id, ...participant } = row.participant;
  return { ...row, participant: { ...participant, externalId: participant.externalId ?? null } };
}

/**
 * Compares a set's rows before and after a replace, rider by rider (a set holds each rider
 * once). Null when nothing differs: the replace changed nothing.
 */
export function diffRows(before: ResultRowView[], after: ResultRowView[]): RowChanges | null {
  const was = new Map(before.map((row) => [row.participant.id, row]));
  const added: RowKey[] = [];
  const changed: RowKey[] = [];
  for (const row of after) {
    const old = was.get(row.participant.id);
    was.delete(row.participant.id);
    if (!old) {
      added.push(keyOf(row));
      continue;
    }
    const [a, b] = [resultOf(old), resultOf(row)];
    const fields = RESULT_FIELDS.filter((field) => !same(a[field], b[field]));
    if (fields.length > 0) changed.push({ ...keyOf(row), fields });
  }
  const removed = [...was.values()].map(keyOf);
  if (added.length + removed.length + changed.length === 0) return null;
  return {
    counts: { before: before.length, after: after.length, added: added.length, removed: removed.length, changed: changed.length },
    added: added.slice(0, MAX_AUDITED_KEYS),
    removed: removed.slice(0, MAX_AUDITED_KEYS),
    changed: changed.slice(0, MAX_AUDITED_KEYS),
  };
}

/** A row as an audit row's before or after: its result, the rider by id and name. */
export function auditedRow(row: ResultRowView): Record<string, unknown> {
  const { id: _id, participant, ...values } = row;
  return { participantId: participant.id, name: `${participant.firstName} ${participant.lastName}`, externalId: participant.externalId ?? null, ...values };
}
