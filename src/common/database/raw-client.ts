import type { PoolClient } from 'pg';
import { EntityManager } from 'typeorm';

/**
 * The pg client under a transaction's manager, for what TypeORM does not offer (COPY, array-mode
 * rows, typed results). Statements on it run in the same transaction; it is released with it.
 */
export async function rawClient(manager: EntityManager): Promise<PoolClient> {
  if (!manager.queryRunner) throw new Error('rawClient() runs inside a transaction (TransactionRunner.run)');
  return (await manager.queryRunner.connect()) as PoolClient;
}
