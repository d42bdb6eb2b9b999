import { EntityManager } from 'typeorm';
import { OneStatement } from './one-statement';

/**
 * Namespace of the per-board advisory locks (the second key is the board id): a recalculation
 * holds its board's for its whole run, and a rider merge takes those of the boards it touches
 * first, so neither writes standings rows of a rider the other is moving.
 */
export const BOARD_LOCK_NAMESPACE = 74_201_512;

/** Waits for a transaction-scoped advisory lock on (namespace, key); it is released at commit or rollback. */
export async function advisoryXactLock(manager: EntityManager, namespace: number, key: number): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [namespace, key]);
}

/** Takes a transaction-scoped advisory lock on (namespace, key) if it is free; says whether it did. */
export async function tryAdvisoryXactLock(manager: EntityManager, namespace: number, key: number): Promise<boolean> {
  const [{ locked }]: { locked: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [namespace, key]);
  return locked;
}

/**
 * advisoryXactLock() as the part `name` of a statement, which must read it (its one row) for
 * the lock to be taken: a part that joins it runs once the lock is held.
 */
export function addAdvisoryXactLock(statement: OneStatement, name: string, namespace: number, key: number): void {
  statement.with(name, `SELECT pg_advisory_xact_lock(${statement.param(namespace)}, ${statement.param(key)})`);
}
