import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { MIGRATIONS } from '../src/database/migrations';

const TABLES = [
  'api_clients',
  'audit_chain_anchors',
  'audit_logs',
  'credit_notes',
  'events',
  'inbound_webhooks',
  'invoices',
  'operations',
  'webhook_deliveries',
  'webhook_endpoints',
];

/**
 * Runs every migration up and down on a database of its own: a fresh database on the real
 * server when DATABASE_URL points at one, else a second embedded instance started by the global setup.
 */
describe('migrations (database)', () => {
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (process.env.TEST_SCRATCH_DATABASE_URL) {
      url = process.env.TEST_SCRATCH_DATABASE_URL;
      cleanup = async () => undefined;
    } else {
      const name = `igw_migrations_${randomUUID().slice(0, 8)}`;
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const target = new URL(process.env.DATABASE_URL!);
      target.pathname = `/${name}`;
      url = target.toString();
      cleanup = async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      };
    }
  }, 30_000);

  afterAll(async () => {
    await cleanup();
  });

  it('creates every table, matches the entities, and reverts cleanly', async () => {
    const ds = new DataSource(dataSourceOptions(url, 2));
    await ds.initialize();
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied).toHaveLength(MIGRATIONS.length);
      const tables: { table_name: string }[] = await ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(TABLES));

      // the schema the migrations build is the one the entities describe
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);

      const indexes: { indexname: string }[] = await ds.query(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'audit_logs'`,
      );
      expect(indexes.map((i) => i.indexname)).toEqual(
        expect.arrayContaining([
          'ix_audit_logs_at',
          'ix_audit_logs_request_id',
          'ix_audit_logs_trace_id',
          'ix_audit_logs_provider_at',
          'ix_audit_logs_reference',
        ]),
      );

      for (let i = 0; i < MIGRATIONS.length; i++)
        await ds.undoLastMigration({ transaction: 'each' });
      const after: { table_name: string }[] = await ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(after.map((t) => t.table_name).filter((n) => TABLES.includes(n))).toEqual([]);
    } finally {
      await ds.destroy();
    }
  }, 60_000);
});
