import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * The one TypeORM configuration, shared by the app, the CLI and ormconfig.ts. Its pool is the
 * only one: `poolSize` connections for statements plus `lockSessions` for key-lock sessions
 * (src/operations/keyed-lock.ts takes at most that many at once).
 */
export function dataSourceOptions(url: string, poolSize = 10, lockSessions = 0): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    // gen_random_uuid() is built into Postgres 13+; no extension is installed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize + lockSessions,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'invoice-gateway',
    },
  };
}
