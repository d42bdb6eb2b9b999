import type { PoolClient } from 'pg';
import { EntityManager } from 'typeorm';

/**
 * The pg connection under a transaction's EntityManager. COPY (pg-copy-streams), array-mode rows
 * and typed results need pg's own client, which TypeORM does not expose; this is the same
 * connection, so they run in the transaction's snapshot and locks, and it is released with it.
 */
export async function rawClient(manager: EntityManager): Promise<PoolClient> {
  if (!manager.queryRunner) throw new Error('rawClient() runs inside a transaction (TransactionRunner.run)');
  return (await manager.queryRunner.connect()) as PoolClient;
}
