import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { execute, type Queryable, statement } from '../database/sql';

/** Without a configuration (unit tests): the pool size of the default DATABASE_POOL_SIZE. */
const DEFAULT_LOCK_CONNECTIONS = 10;

const LOCK = statement('keyed_lock', 'SELECT pg_advisory_lock(hashtextextended($1, 0))');
const UNLOCK = statement('keyed_unlock', 'SELECT pg_advisory_unlock(hashtextextended($1, 0))');

/**
 * Runs work for the same key one at a time: in this process (a promise chain per key) and across
 * every replica on the same Postgres (a session advisory lock on the key, held on a connection
 * of a pool of its own, DATABASE_POOL_SIZE connections: the most creates with distinct keys one
 * process runs at once). Two identical creates that arrive together, on one replica or two,
 * never both reach the upstream: the second waits, then finds the first's ledger row.
 *
 * `work` gets the connection holding the lock (its session): the reads and the final write of
 * the create run on it, with no second connection taken from the main pool. The lock is given
 * back after `work`'s writes committed; the caller's answer does not wait for the unlock.
 */
@Injectable()
export class KeyedLock implements OnModuleDestroy {
  private readonly logger = new Logger('KeyedLock');
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly connections: number;
  private readonly unlocking = new Set<Promise<void>>();
  private pool: Pool | undefined;

  /** Without a DataSource (unit tests of the in-process order) only the promise chain applies. */
  constructor(
    @Optional() private readonly dataSource?: DataSource,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.connections = config?.database.poolSize ?? DEFAULT_LOCK_CONNECTIONS;
  }

  run<T>(key: string, work: (session: Queryable | undefined) => Promise<T>): Promise<T> {
    return this.inProcess(key, () => this.acrossReplicas(key, work));
  }

  /**
   * One at a time per key in this process only (the promise chain, no database lock). `work`
   * learns whether it waited for another holder of the key (what it read before may be stale).
   */
  async inProcess<T>(key: string, work: (waited: boolean) => Promise<T>): Promise<T> {
    const waiting = this.tails.get(key);
    const guarded = () => work(waiting !== undefined);
    const previous = waiting ?? Promise.resolve();
    const current = previous.then(guarded, guarded);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  async onModuleDestroy(): Promise<void> {
    while (this.unlocking.size > 0) await Promise.all(this.unlocking);
    await this.pool?.end();
  }

  private async acrossReplicas<T>(
    key: string,
    work: (session: Queryable | undefined) => Promise<T>,
  ): Promise<T> {
    const pool = this.lockPool();
    if (!pool) return work(undefined);
    const client = await pool.connect();
    try {
      await execute(client, LOCK, [key]);
    } catch (error) {
      client.release(true);
      throw error;
    }
    try {
      return await work(client);
    } finally {
      this.unlock(client, key);
    }
  }

  /** Gives the lock back in the background; the connection is released once it is. */
  private unlock(client: PoolClient, key: string): void {
    const done = execute(client, UNLOCK, [key]).then(
      () => client.release(),
      (error: unknown) => {
        // a connection whose unlock failed may still hold the lock: never hand it out again
        client.release(true);
        this.logger.warn({ err: error }, 'Could not release a key lock; its connection is closed');
      },
    );
    this.unlocking.add(done);
    void done.finally(() => this.unlocking.delete(done));
  }

  private lockPool(): Pool | undefined {
    if (this.pool || !this.dataSource) return this.pool;
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) return undefined;
    this.pool = new Pool({
      connectionString: url,
      max: this.connections,
      idleTimeoutMillis: 10_000,
      application_name: 'invoice-gateway-locks',
    });
    // an idle connection's error (server restart) must not crash the process
    this.pool.on('error', () => undefined);
    return this.pool;
  }
}
