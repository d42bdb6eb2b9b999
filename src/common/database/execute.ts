import { EntityManager } from 'typeorm';

/** Runs a write statement in the manager's transaction and returns the number of rows it affected. */
export async function execute(manager: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  if (!manager.queryRunner) throw new Error('execute() runs inside a transaction (TransactionRunner.run)');
  const result = await manager.queryRunner.query(sql, params, true);
  return result.affected ?? 0;
}

/** Rows of a write statement with RETURNING (TypeORM hands UPDATE/DELETE results back as [rows, count]). */
export async function returning<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  if (!manager.queryRunner) throw new Error('returning() runs inside a transaction (TransactionRunner.run)');
  const result = await manager.queryRunner.query(sql, params, true);
  return result.records as T[];
}
