import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  installedBinaries,
  reachableBinaries,
  serverUser,
  userCan,
} from '../src/database/embedded-postgres-host';
import { LOCATION_FILE, startEmbeddedPostgres } from '../src/database/embedded-postgres';

const asRoot = process.getuid?.() === 0;
if (!asRoot) {
  process.stderr.write(
    '\nembedded-postgres-private: not root, so the private-folder cases are skipped (CI runs as root).\n',
  );
}

async function count(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * A checkout in a private folder (`mktemp -d`, `/root`: mode 0700), as root: PostgreSQL runs as
 * the OS user `postgres`, which cannot reach anything inside. The binaries are staged in the
 * runtime folder and the cluster kept there; the data survives a restart.
 */
(asRoot ? describe : describe.skip)('embedded PostgreSQL as root in a private folder', () => {
  let privateDir: string;
  let runtimeDir: string;

  beforeAll(() => {
    privateDir = mkdtempSync(join(tmpdir(), 'igw-private-'));
    runtimeDir = mkdtempSync(join(tmpdir(), 'igw-runtime-'));
    execFileSync('chmod', ['0755', runtimeDir]);
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
  });
  afterAll(() => {
    rmSync(privateDir, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  it('copies binaries the postgres user cannot reach into the runtime folder, once', async () => {
    const installed = installedBinaries();
    const packageDir = resolve(dirname(installed.postgres), '..', '..');
    const hidden = join(privateDir, 'node_modules', 'pg-binaries');
    cpSync(packageDir, hidden, { recursive: true, verbatimSymlinks: true });
    const privateCopy = {
      ...installed,
      postgres: join(hidden, 'native', 'bin', 'postgres'),
      initdb: join(hidden, 'native', 'bin', 'initdb'),
    };
    const user = await serverUser();
    expect(user.uid).toBeGreaterThan(0);
    expect(await userCan(user, privateCopy.postgres, 'x')).toBe(false);

    const staged = await reachableBinaries(user, runtimeDir, privateCopy);
    expect(staged.postgres).toBe(join(runtimeDir, `bin-${installed.version}`, 'bin', 'postgres'));
    expect(await userCan(user, staged.postgres, 'x')).toBe(true);
    const version = execFileSync(staged.postgres, ['--version'], { uid: user.uid, gid: user.gid });
    expect(version.toString()).toMatch(/PostgreSQL\) 15\./);
    // a second start reuses the copy: same place, nothing half-made left beside it
    expect((await reachableBinaries(user, runtimeDir, privateCopy)).postgres).toBe(staged.postgres);
    expect(execFileSync('ls', [runtimeDir]).toString().trim().split('\n')).toEqual([
      `bin-${installed.version}`,
    ]);
  }, 60_000);

  it('keeps the cluster of an unreachable DATA_DIR in the runtime folder; restarts find the data', async () => {
    const dataDir = join(privateDir, 'data');
    const first = await startEmbeddedPostgres({ dataDir, runtimeDir });
    try {
      expect(first.clusterDir.startsWith(join(runtimeDir, 'clusters'))).toBe(true);
      expect(readFileSync(join(dataDir, LOCATION_FILE), 'utf8').trim()).toBe(first.clusterDir);
      const client = new Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2)');
      await client.end();
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir, runtimeDir });
    try {
      expect(second.clusterDir).toBe(first.clusterDir);
      expect(await count(second.url, 'SELECT count(*) AS n FROM kept')).toBe(2);
    } finally {
      await second.stop();
    }
    // the private folder was not opened up to others
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
  }, 90_000);
});

describe('embedded PostgreSQL: a DATA_DIR that cannot be a folder', () => {
  it.each([
    ['/proc/nope/data', /cannot create the folder \/proc\/nope\/data/],
    [resolve('package.json'), /package\.json is a file, not a folder/],
  ])('%s fails at once with one sentence naming it', async (dataDir, reason) => {
    const started = Date.now();
    const failure = await startEmbeddedPostgres({ dataDir }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(reason);
    expect(failure?.message).toMatch(/point DATA_DIR at a writable folder/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync('/proc/nope')).toBe(false);
  });
});
