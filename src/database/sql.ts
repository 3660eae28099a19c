import type { PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A statement: plain SQL, prepared once per connection under its name (later executions send
 * only Bind/Execute, and Postgres reuses the plan). Every statement of the data layer is one.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export function statement(name: string, text: string): Statement {
  return { name, text };
}

/**
 * A connection taken from the one pool for a unit of work (a transaction, or the session that
 * holds a key's lock). Opaque to the engine: it only hands it back to repositories.
 */
export type Session = Pick<PoolClient, 'query'>;

export async function execute<R extends QueryResultRow>(
  on: Session,
  st: Statement,
  values: unknown[],
): Promise<R[]> {
  const result = await on.query<R>({ name: st.name, text: st.text, values });
  return result.rows;
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

/**
 * An entity's full-row insert, from its column metadata (names, types, transformers): the
 * column list, the typed placeholders from a given parameter number, and a row's values in
 * that order. The one column list of a table, for every statement that inserts into it.
 */
export interface EntityInsert<T> {
  readonly table: string;
  /** `(a, b, c)` */
  readonly columns: string;
  /** `$n::type, $n+1::type, ...` */
  placeholders(first: number): string;
  values(row: T): unknown[];
}

/** SQL casts by TypeORM column type; char/varchar go as text (a cast to char would truncate). */
const CASTS: Record<string, string> = {
  char: 'text',
  varchar: 'text',
  'character varying': 'text',
};

export function entityInsert<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
): EntityInsert<T> {
  const metadata = dataSource.getMetadata(target);
  const columns = metadata.columns.map((column) => {
    const type = typeof column.type === 'string' ? column.type : 'text';
    return {
      name: column.databaseName,
      property: column.propertyName,
      cast: `${CASTS[type] ?? type}${column.isArray ? '[]' : ''}`,
      json: type === 'jsonb' || type === 'json',
      to: column.transformer && !Array.isArray(column.transformer) ? column.transformer : undefined,
    };
  });
  return {
    table: metadata.tableName,
    columns: `(${columns.map((c) => c.name).join(', ')})`,
    placeholders: (first) => columns.map((c, i) => `$${first + i}::${c.cast}`).join(', '),
    values: (row) =>
      columns.map((c) => {
        let value: unknown = (row as Record<string, unknown>)[c.property];
        if (c.to) value = c.to.to(value);
        return c.json ? jsonParam(value) : (value ?? null);
      }),
  };
}

/** A whole-row insert that skips a taken unique key and answers the row it inserted, if any. */
export function insertUnlessTaken<T>(name: string, insert: EntityInsert<T>): Statement {
  return statement(
    name,
    `INSERT INTO ${insert.table} ${insert.columns}
     VALUES (${insert.placeholders(1)})
     ON CONFLICT DO NOTHING
     RETURNING *`,
  );
}
