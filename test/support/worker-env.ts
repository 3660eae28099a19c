import { databaseUrl, workerDatabaseName } from './worker-database';

/**
 * Runs in every test file's environment: DATABASE_URL becomes this worker's own database (made
 * and migrated by the global setup), TEST_SCRATCH_DATABASE_URL an empty one for the migration
 * suite.
 */
const base = process.env.TEST_BASE_DATABASE_URL;
if (base) {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  process.env.DATABASE_URL = databaseUrl(base, workerDatabaseName(base, worker));
  process.env.TEST_SCRATCH_DATABASE_URL = databaseUrl(base, workerDatabaseName(base, 'scratch'));
}
