import { EntityManager } from 'typeorm';

/** Waits for a transaction-scoped advisory lock on (namespace, key); it is released at commit or rollback. */
export async function advisoryXactLock(manager: EntityManager, namespace: number, key: number): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [namespace, key]);
}

/** Takes a transaction-scoped advisory lock on (namespace, key) if it is free; says whether it did. */
export async function tryAdvisoryXactLock(manager: EntityManager, namespace: number, key: number): Promise<boolean> {
  const [{ locked }]: { locked: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [namespace, key]);
  return locked;
}
