import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import {
  isAlive,
  readEmbeddedPassword,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from './embedded-postgres';

export interface DatabaseSettings {
  url?: string;
  dataDir: string;
  inMemory: boolean;
  embeddedPort: number;
  /** As root: the embedded server's binaries and out-of-reach clusters (EMBEDDED_PG_RUNTIME_DIR). */
  embeddedRuntimeDir?: string;
  poolSize: number;
  runMigrations: boolean;
}

/** Where a running gateway publishes its embedded Postgres, so the CLI can reach it. */
export function embeddedInfoFile(dataDir: string): string {
  return resolve(dataDir, 'embedded-postgres.json');
}

interface EmbeddedInfo {
  port: number;
  /** The process that started the server and will stop it. */
  pid: number;
}

const MIGRATION_LOCK_ID = 727_274_001;
/** Connections beyond the pool: the migration lock, the liveness mark, the CLI and an operator's psql. */
const SPARE_CONNECTIONS = 20;

/**
 * The database connection: the configured Postgres, or an embedded PostgreSQL 15 started here.
 * Owns both, so the connection pool always closes before the embedded server stops.
 */
export class Database {
  private constructor(
    readonly dataSource: DataSource,
    /** The server's URL (with its password): for the connections held beside the pool. */
    readonly url: string,
    private readonly embedded: EmbeddedPostgres | undefined,
    private readonly infoFile: string | undefined,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** Where the embedded server listens (for log lines); undefined for DATABASE_URL. */
  get embeddedPort(): number | undefined {
    return this.embedded?.port;
  }

  /** The embedded server's generated password, for log scrubbing; undefined for DATABASE_URL. */
  get embeddedPassword(): string | undefined {
    return this.embedded?.password;
  }

  static async open(settings: DatabaseSettings): Promise<Database> {
    let embedded: EmbeddedPostgres | undefined;
    let infoFile: string | undefined;
    let url = settings.url;
    if (!url) {
      if (!settings.inMemory) await refuseIfInUse(settings.dataDir);
      embedded = await startEmbeddedPostgres({
        dataDir: settings.inMemory ? undefined : settings.dataDir,
        port: settings.embeddedPort,
        runtimeDir: settings.embeddedRuntimeDir,
        // the one pool (statements, and as many key-lock sessions: src/operations/keyed-lock.ts), and spares
        maxConnections: 2 * settings.poolSize + SPARE_CONNECTIONS,
      });
      // its Unix socket when it has one (cheaper writes than TCP); DATABASE_URL is used as given
      url = embedded.socketUrl ?? embedded.url;
      if (!settings.inMemory) {
        infoFile = embeddedInfoFile(settings.dataDir);
        const info: EmbeddedInfo = { port: embedded.port, pid: process.pid };
        await writeFile(infoFile, JSON.stringify(info));
      }
    }
    // DATABASE_POOL_SIZE connections for statements, and up to as many key-lock sessions
    const dataSource = new DataSource(dataSourceOptions(url, settings.poolSize, settings.poolSize));
    try {
      await dataSource.initialize();
      if (settings.runMigrations) await migrate(dataSource, url);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (infoFile) await rm(infoFile, { force: true });
      await embedded?.stop();
      throw error;
    }
    return new Database(dataSource, url, embedded, infoFile);
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (this.infoFile) await rm(this.infoFile, { force: true });
    await this.embedded?.stop();
  }
}

/**
 * Runs pending migrations. Several replicas (or the gateway and the CLI) may start together, so
 * they take turns under an advisory lock held on a connection of its own.
 */
async function migrate(dataSource: DataSource, lockUrl: string): Promise<void> {
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

async function readInfo(dataDir: string): Promise<EmbeddedInfo | undefined> {
  try {
    return JSON.parse(await readFile(embeddedInfoFile(dataDir), 'utf8')) as EmbeddedInfo;
  } catch {
    return undefined;
  }
}

/** A live gateway (or CLI) that owns the embedded server of this DATA_DIR must not lose it. */
async function refuseIfInUse(dataDir: string): Promise<void> {
  const info = await readInfo(dataDir);
  if (info && info.pid !== process.pid && isAlive(info.pid)) {
    throw new Error(
      `The embedded Postgres in ${resolve(dataDir)} belongs to a running process (pid ${info.pid}, ` +
        `port ${info.port}): stop it first, or give this process another DATA_DIR`,
    );
  }
}

/** URL of the embedded Postgres a running gateway owns for this DATA_DIR, if any. */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | undefined> {
  const info = await readInfo(dataDir);
  if (!info || !isAlive(info.pid)) return undefined;
  const password = await readEmbeddedPassword(dataDir);
  if (!password) return undefined;
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${info.port}/postgres`;
}
