import { Database } from '../src/database/database';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/**
 * One database for the whole Jest run, migrated once here. With DATABASE_URL set (CI's second
 * pass) the suites use that server; otherwise one in-memory embedded Postgres is started and its
 * URL handed to every worker through the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ maxConnections: 120 });
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = pg;
    process.env.DATABASE_URL = pg.url;
    process.env.TEST_DATABASE_EMBEDDED = '1';
    // PGlite cannot start inside a Jest worker (it needs dynamic import): the migration suite
    // gets an empty database of its own from here.
    const scratch = await startEmbeddedPostgres({ maxConnections: 10 });
    (globalThis as Record<string, unknown>).__SCRATCH_PG__ = scratch;
    process.env.TEST_SCRATCH_DATABASE_URL = scratch.url;
  }
  const db = await Database.open({
    url: process.env.DATABASE_URL,
    dataDir: '',
    inMemory: true,
    embeddedPort: 0,
    poolSize: 2,
    runMigrations: true,
  });
  await db.close();
}
