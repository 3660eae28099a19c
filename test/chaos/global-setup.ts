import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { databaseUrl } from '../support/worker-database';

/**
 * The chaos suite runs on the Postgres of DATABASE_URL or, unset, on an embedded PostgreSQL 15
 * started here (a temporary folder, stopped by the teardown), in a database of its own
 * (`<name>_chaos`), dropped and made again here so no earlier run's operations are left to
 * claim. The gateway processes migrate it when they start.
 */
export default async function chaosSetup(): Promise<void> {
  let base = process.env.DATABASE_URL;
  if (!base) {
    const embedded = await startEmbeddedPostgres({ maxConnections: 200 });
    (globalThis as Record<string, unknown>).__CHAOS_EMBEDDED_PG__ = embedded;
    base = embedded.url;
  }
  const name = `${new URL(base).pathname.slice(1) || 'postgres'}_chaos`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  process.env.CHAOS_DATABASE_URL = databaseUrl(base, name);
}
