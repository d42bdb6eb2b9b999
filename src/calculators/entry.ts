/** A computation's entries (riders or groups) and the names they are shown by. */
import { CustomValueRef, StandingEntry } from './types';

/**
 * An entry: its identity, then (once the lines are in the store under `index`) its event
 * scores there and the season rules' outcome: what the ranking and the output read.
 */
export type Accumulator = Pick<StandingEntry, 'key' | 'kind' | 'participantId' | 'customValueId' | 'category' | 'name' | 'group'> & {
  /** The entry's index in the store (the order entries were first seen in). */
  index: number;
  /** Its event scores are first … end - 1 in the store. */
  first: number;
  end: number;
  /** Of them, how many count, and those dropped (the first `droppedWorst` by drop-worst). */
  counted: number;
  dropped: number[];
  droppedWorst: number;
  /** Points of the counted scores, in thousandths. */
  milli: number;
  /** Scored in at least minEvents events. */
  ranked: boolean;
};

const NONE: number[] = [];

/** A new entry (season fields are filled in after the season rules). */
export function entry(
  index: number, key: string, kind: StandingEntry['kind'], participantId: number | null, customValueId: number | null, category: string | null, name: string, group: string | null,
): Accumulator {
  return { key, kind, participantId, customValueId, category, name, group, index, first: 0, end: 0, counted: 0, dropped: NONE, droppedWorst: 0, milli: 0, ranked: false };
}

/** Names by id: riders' and groups' (a name missing from the input shows as "#id"). */
export interface Names {
  participant(id: number): string;
  group(id: number): CustomValueRef;
}

