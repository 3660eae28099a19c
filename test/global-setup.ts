import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/**
 * One database for the whole Jest run. With DATABASE_URL set (CI's second pass) the suites use
 * that server; otherwise one in-memory embedded Postgres is started here and its URL handed to
 * every worker through the environment.
 */
export default async function globalSetup(): Promise<void> {
  process.env.GATEWAY_TEST_RUN = '1';
  if (process.env.DATABASE_URL) return;
  const pg = await startEmbeddedPostgres({ maxConnections: 100 });
  (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = pg;
  process.env.DATABASE_URL = pg.url;
}
