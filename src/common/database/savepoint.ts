import { EntityManager } from 'typeorm';

const UNDO = Symbol('undo');

/**
 * Runs `work` under a savepoint of the current transaction and rolls it back when `keep` says
 * the outcome is not worth keeping: a write that turned out to change nothing then leaves the
 * rows exactly as they were (same ids), instead of rewritten copies. An error in `work` rolls
 * the savepoint back and propagates. Not for imports: their rider matching reads the top-level
 * transaction's id, which rows written under a savepoint do not carry.
 */
export async function undoUnless<T>(manager: EntityManager, work: (manager: EntityManager) => Promise<T>, keep: (outcome: T) => boolean): Promise<T> {
  let outcome: T | undefined;
  try {
    // Inside a transaction, TypeORM runs a nested transaction as SAVEPOINT / ROLLBACK TO SAVEPOINT.
    await manager.transaction(async (inner) => {
      outcome = await work(inner);
      if (!keep(outcome)) throw UNDO;
    });
  } catch (err) {
    if (err !== UNDO) throw err;
  }
  return outcome as T;
}
