import type { ResultStatus } from './result-status';

/** A result row as the API and the importer hand it over: participant and groups by name. */
export interface IncomingRow {
  participant: { externalId?: string | null; firstName: string; lastName: string };
  bib?: string | null;
  position?: number | null;
  status: ResultStatus;
  timeMs?: number | null;
  custom1?: string | null;
  custom2?: string | null;
  custom3?: string | null;
  /**
   * RDG only: the redress the protest committee gave (RRS A9), one of its three keys (the
   * calculators' ResultRedress once RaceRowsRepository.validate has checked it); absent or null:
   * the scale's RDG rule.
   */
  redress?: { points?: number; events?: number[]; average?: true } | null;
}

/** The rider's school or club: the first filled grouping slot. */
export function groupOf(row: Pick<IncomingRow, 'custom1' | 'custom2' | 'custom3'>): string | null {
  return normaliseName(row.custom1) ?? normaliseName(row.custom2) ?? normaliseName(row.custom3);
}

/** A rider's name as it is stored and compared. */
export function spelling(person: IncomingRow['participant']): { firstName: string; lastName: string } {
  return { firstName: collapseSpaces(person.firstName), lastName: collapseSpaces(person.lastName) };
}

/** Names are compared and stored trimmed, with runs of spaces as one. */
export function collapseSpaces(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** A name or group value as stored: spaces collapsed, null when nothing is left. */
export function normaliseName(value: string | null | undefined): string | null {
  const collapsed = value == null ? '' : collapseSpaces(value);
  return collapsed ? collapsed : null;
}

/**
 * Who a row is, for "the same rider twice" checks: the licence, else the name within the
 * school or club (two "Ann Lee"s of different schools are two riders, as in resolveParticipants).
 */
export function riderKey(row: Pick<IncomingRow, 'participant' | 'custom1' | 'custom2' | 'custom3'>): string {
  const p = row.participant;
  if (p.externalId) return `id:${p.externalId}`;
  const name = (text: string) => collapseSpaces(text).toLowerCase();
  return `name:${name(p.firstName)}|${name(p.lastName)}|${groupOf(row)?.toLowerCase() ?? ''}`;
}

/** Per slot (custom1..3), each row's group name, normalised. */
export function groupNames(rows: Pick<IncomingRow, 'custom1' | 'custom2' | 'custom3'>[]): (string | null)[][] {
  return [1, 2, 3].map((slot) => rows.map((r) => normaliseName(r[`custom${slot}` as 'custom1' | 'custom2' | 'custom3'])));
}
