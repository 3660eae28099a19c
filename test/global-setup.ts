import { Client } from 'pg';
import { Database } from '../src/database/database';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { databaseUrl, workerDatabaseName } from './support/worker-database';

/**
 * One Postgres server for the whole Jest run. With DATABASE_URL set (CI's second pass) that
 * server; otherwise one embedded PostgreSQL 15 in a temporary folder, started here because
 * embedded-postgres (ESM) cannot be loaded inside a Jest worker. Each worker gets a database of
 * its own, migrated here, so suites that count or delete rows (retention, audit verification)
 * never see another worker's rows; `test/support/worker-env.ts` points each worker at it.
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  let baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const pg = await startEmbeddedPostgres({ maxConnections: 200 });
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = pg;
    baseUrl = pg.url;
    process.env.TEST_DATABASE_EMBEDDED = '1';
  }
  process.env.TEST_BASE_DATABASE_URL = baseUrl;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const workers = Math.max(1, globalConfig.maxWorkers);
    const names = Array.from({ length: workers }, (_, i) => workerDatabaseName(baseUrl, i + 1));
    names.push(workerDatabaseName(baseUrl, 'scratch'));
    for (const name of names) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await admin.end();
  }
  for (let worker = 1; worker <= Math.max(1, globalConfig.maxWorkers); worker++) {
    const db = await Database.open({
      url: databaseUrl(baseUrl, workerDatabaseName(baseUrl, worker)),
      dataDir: '',
      inMemory: true,
      embeddedPort: 0,
      poolSize: 2,
      runMigrations: true,
    });
    await db.close();
  }
}
