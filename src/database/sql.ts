import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A hot statement: plain SQL, prepared once per connection under its name (later executions
 * send only Bind/Execute, and Postgres reuses the plan). For the few statements every request
 * runs, where TypeORM's query builder costs more than the statement itself.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export function statement(name: string, text: string): Statement {
  return { name, text };
}

/** A pool or a connection taken from one (e.g. the connection holding a key's lock). */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

export async function execute<R extends QueryResultRow>(
  on: Queryable,
  st: Statement,
  values: unknown[],
): Promise<R[]> {
  const result = await on.query<R>({ name: st.name, text: st.text, values });
  return result.rows;
}

/** The pg pool behind TypeORM's DataSource: the same connections, the same DATABASE_POOL_SIZE. */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('The database is not connected (no pg pool behind the DataSource)');
  return pool;
}

/** A value for a jsonb parameter (null and undefined stay SQL NULL). */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * Maps rows selected with `table.*` (or RETURNING *) to entities, from the entity's own column
 * metadata (database names, value transformers), without a query builder round trip.
 */
export function entityMapper<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
): (raw: Record<string, unknown>) => T {
  const metadata = dataSource.getMetadata(target);
  const columns = metadata.columns.map((column) => ({
    from: column.databaseName,
    to: column.propertyName,
    transform: column.transformer,
  }));
  return (raw) => {
    const entity = metadata.create() as T;
    for (const column of columns) {
      let value = raw[column.from];
      if (value === undefined) continue;
      if (column.transform && !Array.isArray(column.transform))
        value = column.transform.from(value);
      (entity as Record<string, unknown>)[column.to] = value;
    }
    return entity;
  };
}
