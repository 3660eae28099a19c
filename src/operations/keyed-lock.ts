import { Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Connections of the lock pool: the most creates (with distinct keys) one process runs at once.
 * A separate pool, so a create waiting for a lock never holds a connection its own work needs.
 */
const LOCK_CONNECTIONS = 8;

/**
 * Runs work for the same key one at a time: in this process (a promise chain per key) and across
 * every replica on the same Postgres (a session advisory lock on the key, held on a connection
 * of a small pool of its own). Two identical creates that arrive together, on one replica or
 * two, never both reach the upstream: the second waits, then finds the first's ledger row.
 */
@Injectable()
export class KeyedLock implements OnModuleDestroy {
  private readonly tails = new Map<string, Promise<unknown>>();
  private pool: Pool | undefined;

  /** Without a DataSource (unit tests of the in-process order) only the promise chain applies. */
  constructor(@Optional() private readonly dataSource?: DataSource) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const guarded = () => this.acrossReplicas(key, work);
    const previous = this.tails.get(key) ?? Promise.resolve();
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
    await this.pool?.end();
  }

  private async acrossReplicas<T>(key: string, work: () => Promise<T>): Promise<T> {
    const pool = this.lockPool();
    if (!pool) return work();
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await work();
      } finally {
        await client
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key])
          .catch(() => (broken = true));
      }
    } finally {
      // a connection whose unlock failed may still hold the lock: never hand it out again
      client.release(broken);
    }
  }

  private lockPool(): Pool | undefined {
    if (this.pool || !this.dataSource) return this.pool;
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) return undefined;
    this.pool = new Pool({
      connectionString: url,
      max: LOCK_CONNECTIONS,
      idleTimeoutMillis: 10_000,
      application_name: 'invoice-gateway-locks',
    });
    // an idle connection's error (server restart) must not crash the process
    this.pool.on('error', () => undefined);
    return this.pool;
  }
}
