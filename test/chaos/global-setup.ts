import { Client } from 'pg';
import { databaseUrl } from '../support/worker-database';

/**
 * The chaos suite runs on the real Postgres of DATABASE_URL, in a database of its own
 * (`<name>_chaos`), dropped and made again here so no earlier run's operations are left to
 * claim. The gateway processes migrate it when they start.
 */
export default async function chaosSetup(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    throw new Error(
      'npm run test:chaos needs DATABASE_URL (a real PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/test)',
    );
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
