import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import {
  entityInsert,
  type EntityInsert,
  entityMapper,
  execute,
  type Session,
  type Statement,
  statement,
} from './sql';

const BEGIN = statement('tx_begin', 'BEGIN');
const COMMIT = statement('tx_commit', 'COMMIT');
const ROLLBACK = statement('tx_rollback', 'ROLLBACK');
const PING = statement('db_ping', 'SELECT 1');

/**
 * The one way to Postgres: TypeORM's pool (the DataSource registered with @nestjs/typeorm),
 * reached through its public QueryRunner API, every statement named and prepared. `run` sends
 * one statement (autocommit, or on a session), `tx` runs work in one transaction, `session`
 * lends a connection for a unit of work (the key lock's session). Repositories are its only
 * users; nothing else in the app writes SQL or opens a pool.
 */
@Injectable()
export class Db {
  constructor(readonly dataSource: DataSource) {}

  /** One statement: on `session` when given, else on a connection of the pool (autocommit). */
  run<R extends Record<string, unknown>>(
    st: Statement,
    values: unknown[],
    session?: Session,
  ): Promise<R[]> {
    if (session) return execute<R>(session, st, values);
    return this.session((s) => execute<R>(s, st, values));
  }

  /**
   * `work` in one transaction: on `session` when given (the connection that holds a key's
   * lock), else on a connection of its own. A throw rolls everything back.
   */
  tx<T>(work: (session: Session) => Promise<T>, session?: Session): Promise<T> {
    if (session) return inTransaction(session, work);
    return this.session((s) => inTransaction(s, work));
  }

  /** A connection of the pool for `work`, given back when it ends. */
  async session<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner('master');
    try {
      const client = (await runner.connect()) as PoolClient;
      return await work(client);
    } finally {
      await runner.release();
    }
  }

  /** One round trip on a connection of the pool (readiness). */
  async ping(): Promise<void> {
    await this.run(PING, []);
  }

  /** Maps raw rows to an entity (see entityMapper). */
  mapper<T extends ObjectLiteral>(target: EntityTarget<T>): (raw: Record<string, unknown>) => T {
    return entityMapper(this.dataSource, target);
  }

  /** The entity's full-row insert (see entityInsert). */
  insertOf<T extends ObjectLiteral>(target: EntityTarget<T>): EntityInsert<T> {
    return entityInsert(this.dataSource, target);
  }
}

async function inTransaction<T>(session: Session, work: (s: Session) => Promise<T>): Promise<T> {
  await execute(session, BEGIN, []);
  let value: T;
  try {
    value = await work(session);
  } catch (error) {
    await execute(session, ROLLBACK, []).catch(() => undefined);
    throw error;
  }
  await execute(session, COMMIT, []);
  return value;
}
