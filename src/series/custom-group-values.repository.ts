import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export const SLOTS = [1, 2, 3] as const;
export type Slot = (typeof SLOTS)[number];

/**
 * Custom value ids by slot and name (without case), for the batches of one transaction:
 * values are only ever added, so an id once read stays right until the transaction ends.
 */
export class GroupValues {
  private readonly ids = new Map<string, number>();

  has(slot: Slot, name: string): boolean {
    return this.ids.has(GroupValues.key(slot, name));
  }

  get(slot: Slot, name: string): number {
    return this.ids.get(GroupValues.key(slot, name))!;
  }

  set(slot: Slot, name: string, id: number): void {
    this.ids.set(GroupValues.key(slot, name), id);
  }

  /** Every row's id per slot, if all the names are known already (else null: some must be looked up). */
  idsOf(names: (string | null)[][]): (number | null)[][] | null {
    const ids: (number | null)[][] = [];
    for (const slot of SLOTS) {
      const slotIds: (number | null)[] = [];
      for (const name of names[slot - 1]) {
        if (name === null) slotIds.push(null);
        else {
          const id = this.ids.get(GroupValues.key(slot, name));
          if (id === undefined) return null;
          slotIds.push(id);
        }
      }
      ids.push(slotIds);
    }
    return ids;
  }

  private static key(slot: Slot, name: string): string {
    return `${slot}:${name.toLowerCase()}`;
  }
}

/**
 * A series' custom lists (School, Club, …) and their values, which race rows point at by id:
 * created on first use.
 */
@Injectable()
export class CustomGroupValuesRepository {
  /**
   * Ids of the custom values named, per slot (custom1..3), one per row, already normalised
   * (rider-identity's groupNames), creating lists and values on first use. Pass one GroupValues
   * to every batch of an import: the series' schools then cost a query only the first time each
   * is seen.
   */
  async customValueIds(manager: EntityManager, seriesId: number, names: (string | null)[][], known = new GroupValues()): Promise<(number | null)[][]> {
    const result: (number | null)[][] = [];
    for (const slot of SLOTS) {
      const slotNames = names[slot - 1];
      const unknown = [...new Set(slotNames.filter((n): n is string => n !== null && !known.has(slot, n)))];
      if (unknown.length > 0) await this.createCustomValues(manager, seriesId, slot, unknown, known);
      result.push(slotNames.map((n) => (n === null ? null : known.get(slot, n))));
    }
    return result;
  }

  private async createCustomValues(manager: EntityManager, seriesId: number, slot: Slot, names: string[], known: GroupValues): Promise<void> {
    const [list]: { id: number }[] = await manager.query(
      `INSERT INTO custom_list (series_id, slot, name)
       SELECT $1, $2, COALESCE((SELECT custom${slot}_label FROM series WHERE id = $1), 'custom${slot}')
       ON CONFLICT (series_id, slot) DO UPDATE SET name = custom_list.name
       RETURNING id`,
      [seriesId, slot],
    );
    await manager.query(
      `INSERT INTO custom_list_value (custom_list_id, name)
       SELECT $1, n FROM unnest($2::text[]) AS n
       ON CONFLICT (custom_list_id, lower(name)) DO NOTHING`,
      [list.id, names],
    );
    // Keyed by the name as given: PostgreSQL's lower() and JavaScript's need not agree.
    const values: { id: number; name: string }[] = await manager.query(
      `SELECT v.id, n AS name FROM unnest($2::text[]) AS n
         JOIN custom_list_value v ON v.custom_list_id = $1 AND lower(v.name) = lower(n)`,
      [list.id, names],
    );
    for (const v of values) known.set(slot, v.name, v.id);
  }
}
