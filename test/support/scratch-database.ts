import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Database } from '../../src/database/database';

export interface ScratchDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/**
 * A migrated database of its own on the test run's server, for suites that tamper with rows or
 * need the whole audit log to themselves (the shared one holds every suite's rows).
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const { serverUrl, name, url, drop } = await createEmptyDatabase(prefix);
  const db = await Database.open({
    url,
    dataDir: '',
    inMemory: true,
    embeddedPort: 0,
    poolSize: 4,
    runMigrations: true,
  });
  const [{ current }] = await db.dataSource.query('SELECT current_database() AS current');
  if (current !== name) {
    await db.close();
    throw new Error(`${serverUrl} did not give the suite a database of its own`);
  }
  return {
    url,
    db,
    drop: async () => {
      await db.close();
      await drop();
    },
  };
}

/** A new, empty (unmigrated) database of its own on the test run's server. */
export async function createEmptyDatabase(
  prefix: string,
): Promise<{ serverUrl: string; name: string; url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl)
    throw new Error('DATABASE_URL is not set: run the suite through jest (global setup)');
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  return {
    serverUrl,
    name,
    url: target.toString(),
    drop: async () => {
      const cleanup = new Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
