import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

/**
 * The TypeORM options shared by the app and the migration CLI. Schema changes only by migration.
 * `connectTimeoutMs` bounds the wait for a connection, new or from a busy pool: while
 * PostgreSQL is down or unreachable a request fails (503) instead of hanging.
 */
export function dataSourceOptions(databaseUrl: string, connectTimeoutMs = 5_000): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    // Globbed so the compiled app (dist/*.js) and ts-node (src/*.ts) both find them.
    migrations: [join(__dirname, '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    migrationsRun: false,
    // JIT off: Podium's statements are short and many (batches of an import, a board's
    // upsert); PostgreSQL's cost-based JIT would compile some of them with LLVM on every
    // execution, which cost an import's rider lookup ~200 ms per 5 000 rows.
    extra: { max: 10, application_name: 'podium', options: '-c jit=off', connectionTimeoutMillis: connectTimeoutMs },
  };
}
