/** What an audit row can be about. Add to the list when a new kind of thing can change. */
export const AUDIT_ENTITIES = [
  'series', 'event', 'points_scale', 'leaderboard', 'result_set', 'result', 'participant', 'import', 'recalculation', 'status_code',
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** Field values before and after a change; only the fields that changed appear. */
export interface FieldChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  [detail: string]: unknown;
}

export interface AuditEntry {
  /** `<entity>.<verb>` in snake_case, e.g. `event.update`, `result_set.transition`, `participant.merge`. */
  action: string;
  entity: AuditEntity;
  entityId: number | string;
  changes?: FieldChanges;
  /** Who acted, when not an admin's HTTP request (`retry-link`, `cli:<user>`); defaults to the key's holder. */
  actor?: string;
  /** Why, when given in the request body; the `X-Reason` header is used otherwise. */
  reason?: string | null;
}

/** One row of the audit log as the API shows it. */
export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: AuditEntity;
  entityId: string;
  changes: FieldChanges;
  reason: string | null;
  requestId: string | null;
}

/**
 * The fields of `after` whose values differ from `before`, as `{ before, after }` with only those
 * fields, or null when nothing changed (a no-op edit records no audit row). Values compare by
 * their JSON form, so dates and nested objects compare by content.
 */
export function changedFields<T extends object>(before: T, after: Partial<T>): FieldChanges | null {
  const was: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const previous = (before as Record<string, unknown>)[field];
    if (JSON.stringify(previous ?? null) === JSON.stringify(value ?? null)) continue;
    was[field] = previous ?? null;
    now[field] = value;
  }
  return Object.keys(now).length === 0 ? null : { before: was, after: now };
}
