import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseSettings {
  url?: string;
  dataDir: string;
  inMemory: boolean;
  embeddedPort: number;
  poolSize: number;
  runMigrations: boolean;
}

/** Where a running gateway publishes its embedded Postgres, so the CLI can reach it. */
export function embeddedInfoFile(dataDir: string): string {
  return resolve(dataDir, 'embedded-postgres.json');
}

const MIGRATION_LOCK_ID = 727_274_001;

/**
 * The database connection: the configured Postgres, or an embedded one started here. Owns both,
 * so the connection pool always closes before the embedded server stops.
 */
export class Database {
  private constructor(
    readonly dataSource: DataSource,
    private readonly embedded: EmbeddedPostgres | undefined,
    private readonly infoFile: string | undefined,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  static async open(settings: DatabaseSettings): Promise<Database> {
    let embedded: EmbeddedPostgres | undefined;
    let infoFile: string | undefined;
    let url = settings.url;
    if (!url) {
      embedded = await startEmbeddedPostgres({
        dataDir: settings.inMemory ? undefined : settings.dataDir,
        port: settings.embeddedPort,
        // this process's one connection plus room for the CLI
        maxConnections: 10,
      });
      url = embedded.url;
      if (!settings.inMemory) {
        infoFile = embeddedInfoFile(settings.dataDir);
        await writeFile(infoFile, JSON.stringify({ port: embedded.port, pid: process.pid }));
      }
    }
    // PGLiteSocketServer runs every connection on PGlite's single session and interleaves their
    // extended-protocol messages: two connections with parameterised queries in flight corrupt
    // each other ("portal does not exist", wrong parameter counts). One connection is safe.
    const poolSize = embedded ? 1 : settings.poolSize;
    const dataSource = new DataSource(dataSourceOptions(url, poolSize));
    try {
      await dataSource.initialize();
      if (settings.runMigrations) await migrate(dataSource, embedded ? undefined : url);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    return new Database(dataSource, embedded, infoFile);
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (this.infoFile) await rm(this.infoFile, { force: true });
    await this.embedded?.stop();
  }
}

/**
 * Runs pending migrations. On a shared server several replicas may start together, so they
 * take turns under an advisory lock; the embedded server belongs to one process and needs none
 * (and a blocking lock there would stall its single session queue).
 */
async function migrate(dataSource: DataSource, lockUrl: string | undefined): Promise<void> {
  if (!lockUrl) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  // the lock lives on a connection of its own, so a pool of one can still run the migrations
  const lock = new Client({
    connectionString: lockUrl,
    application_name: 'invoice-gateway-migrations',
  });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await lock.end();
  }
}

/** The port of a gateway's embedded Postgres that is running now, if any. */
export async function findRunningEmbedded(dataDir: string): Promise<number | undefined> {
  try {
    const info = JSON.parse(await readFile(embeddedInfoFile(dataDir), 'utf8')) as {
      port: number;
      pid: number;
    };
    process.kill(info.pid, 0);
    return info.port;
  } catch {
    return undefined;
  }
}
