import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { execute, type Session, statement } from '../database/sql';

/** Without a configuration (unit tests): the pool size of the default DATABASE_POOL_SIZE. */
const DEFAULT_LOCK_SESSIONS = 10;

const LOCK = statement('keyed_lock', 'SELECT pg_advisory_lock(hashtextextended($1, 0))');
const UNLOCK = statement('keyed_unlock', 'SELECT pg_advisory_unlock(hashtextextended($1, 0))');
const UNLOCK_ALL = statement('keyed_unlock_all', 'SELECT pg_advisory_unlock_all()');

/**
 * Runs work for the same key one at a time: in this process (a promise chain per key) and across
 * every replica on the same Postgres (a session advisory lock on the key, held on a connection
 * of the one pool; at most DATABASE_POOL_SIZE such sessions at once, the pool's share set aside
 * for them: see dataSourceOptions). Two identical creates that arrive together, on one replica
 * or two, never both reach the upstream: the second waits, then finds the first's ledger row.
 *
 * `work` gets the session holding the lock: every read and write of the create runs on it, so a
 * holder never waits for a second connection. The lock is given back after `work`'s writes
 * committed; the caller's answer does not wait for the unlock.
 */
@Injectable()
export class KeyedLock implements OnModuleDestroy {
  private readonly logger = new Logger('KeyedLock');
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly unlocking = new Set<Promise<void>>();
  private readonly maxSessions: number;
  private sessions = 0;
  private readonly waiting: (() => void)[] = [];

  /** Without Db (unit tests of the in-process order) only the promise chain applies. */
  constructor(
    @Optional() private readonly db?: Db,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.maxSessions = config?.database.poolSize ?? DEFAULT_LOCK_SESSIONS;
  }

  run<T>(key: string, work: (session: Session | undefined) => Promise<T>): Promise<T> {
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
  }

  private async acrossReplicas<T>(
    key: string,
    work: (session: Session | undefined) => Promise<T>,
  ): Promise<T> {
    const db = this.db;
    if (!db) return work(undefined);
    await this.takeSlot();
    // settled when `work` ends, before the unlock: the caller's answer does not wait for it
    let done!: (outcome: { value: T } | { error: unknown }) => void;
    const finished = new Promise<{ value: T } | { error: unknown }>((r) => (done = r));
    let locked = false;
    const held = db
      .session(async (session) => {
        await execute(session, LOCK, [key]);
        locked = true;
        try {
          done({ value: await work(session) });
        } catch (error) {
          done({ error });
        } finally {
          await this.unlock(session, key);
        }
      })
      .catch((error: unknown) => {
        // no connection, or the lock statement failed: nothing is held
        if (!locked) done({ error });
        else this.logger.warn({ err: error }, 'A key lock session ended with an error');
      })
      .finally(() => {
        this.unlocking.delete(held);
        this.giveSlot();
      });
    this.unlocking.add(held);
    const outcome = await finished;
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * Gives the lock back (the session goes back to the pool after). An unlock that fails is
   * followed by releasing every lock of the session, so no lock outlives its holder's work on
   * a connection the pool hands out again (a broken connection is dropped by the pool).
   */
  private async unlock(session: Session, key: string): Promise<void> {
    try {
      await execute(session, UNLOCK, [key]);
    } catch (error) {
      this.logger.warn(
        { err: error },
        'Could not release a key lock; releasing all of its session',
      );
      await execute(session, UNLOCK_ALL, []).catch(() => undefined);
    }
  }

  private takeSlot(): Promise<void> {
    if (this.sessions < this.maxSessions) {
      this.sessions += 1;
      return Promise.resolve();
    }
    return new Promise((granted) => this.waiting.push(granted));
  }

  private giveSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.sessions -= 1;
  }
}
