/**
 * What the gateway asked of its database during a measured window: commits and rows written
 * (pg_stat_database) and statements (pg_stat_statements, when the server preloads it), sampled
 * around the window on a connection of the bench's own. The bench's own statements are left out:
 * each carries BENCH_STATEMENT_MARK in a comment, and every one is counted as it is sent.
 */
import { Client, type QueryResultRow } from 'pg';
import { round } from './round';

/** In a comment of every statement the bench sends, so statement counts can leave them out. */
export const BENCH_STATEMENT_MARK = 'invoice_gateway_bench_probe';
/** Query text kept per statement in the results. */
export const STATEMENT_TEXT_CHARS = 120;
/** The statements listed per measurement in latest.json. */
export const TOP_STATEMENTS = 10;
/**
 * A backend publishes its pg_stat_database counts at most once a second, so wait that long for
 * an idle one's. A busy pooled connection may hold its counts back much longer (measured: until
 * it was forced or ended), so commits and rows of a window can shift into the next; the
 * statement counts do not (pg_stat_statements counts each statement as it ends).
 */
const STATS_SETTLE_MS = 1100;

/** One normalised statement of pg_stat_statements (calls summed over users). */
export interface StatementCount {
  id: string;
  calls: number;
  /** Its text, truncated to STATEMENT_TEXT_CHARS. */
  query: string;
  /** Sent by the bench (its text carries BENCH_STATEMENT_MARK). */
  bench: boolean;
}

export interface DatabaseSample {
  commits: number;
  /**
   * The next transaction id (pg_snapshot_xmax of the current snapshot): ids are assigned only to
   * transactions that write, whatever connection ran them and at once (no statistics delay), so
   * the difference is the write transactions of the window, cluster-wide.
   */
  nextXid: number;
  rowsWritten: number;
  /** Statements the bench had sent on its connection before this sample's first one. */
  benchStatementsSent: number;
  /** Undefined when pg_stat_statements is not available. */
  statements?: StatementCount[];
}

export interface StatementUse {
  query: string;
  calls: number;
  perOperation: number;
}

/** Per request (or per delivery) of a window. */
export interface DatabaseUse {
  commitsPerOperation: number;
  /** Transactions that wrote (transaction ids assigned): the durable commits. */
  writeTransactionsPerOperation: number;
  rowsWrittenPerOperation: number;
  /** Undefined when pg_stat_statements is not available. */
  statementsPerOperation?: number;
  topStatements?: StatementUse[];
}

/** Calls made between two samples, per statement, without the bench's own (most calls first). */
export function statementDelta(
  before: readonly StatementCount[],
  after: readonly StatementCount[],
): StatementCount[] {
  const earlier = new Map(before.map((s) => [s.id, s.calls]));
  return after
    .filter((s) => !s.bench)
    .map((s) => ({ ...s, calls: s.calls - (earlier.get(s.id) ?? 0) }))
    .filter((s) => s.calls > 0)
    .sort((a, b) => b.calls - a.calls || a.query.localeCompare(b.query));
}

/**
 * The database's work per operation between two samples. Every statement the bench sent from the
 * first sample's read up to the second's is a transaction of its own, and the pg_stat_database
 * commits include them: they are taken off.
 */
export function databaseUse(
  before: DatabaseSample,
  after: DatabaseSample,
  operations: number,
  top = TOP_STATEMENTS,
): DatabaseUse | undefined {
  if (operations <= 0) return undefined;
  const benchCommits = after.benchStatementsSent - before.benchStatementsSent;
  const per = (n: number, digits = 2) => round(n / operations, digits);
  const use: DatabaseUse = {
    commitsPerOperation: per(after.commits - before.commits - benchCommits),
    // the bench's own statements only read: no transaction id is assigned to them
    writeTransactionsPerOperation: per(after.nextXid - before.nextXid),
    rowsWrittenPerOperation: per(after.rowsWritten - before.rowsWritten),
  };
  if (before.statements && after.statements) {
    const delta = statementDelta(before.statements, after.statements);
    use.statementsPerOperation = per(delta.reduce((sum, s) => sum + s.calls, 0));
    use.topStatements = delta.slice(0, top).map((s) => ({
      query: s.query,
      calls: s.calls,
      perOperation: per(s.calls, 3),
    }));
  }
  return use;
}

const SHARED_PRELOAD = 'shared_preload_libraries';

export class DatabaseProbe {
  private sent = 0;
  private unavailable: string | undefined;

  private constructor(private readonly client: Client) {}

  /** Connects, and enables pg_stat_statements in this database when the server preloads it. */
  static async open(url: string): Promise<DatabaseProbe> {
    const client = new Client({ connectionString: url, application_name: 'invoice-gateway-bench' });
    client.on('error', () => undefined);
    await client.connect();
    const probe = new DatabaseProbe(client);
    probe.unavailable = await probe.enableStatements();
    return probe;
  }

  /** Why there are no statement counts; undefined when pg_stat_statements works. */
  get statementsUnavailable(): string | undefined {
    return this.unavailable;
  }

  private async enableStatements(): Promise<string | undefined> {
    const preload = await this.query<Record<string, string>>(`SHOW ${SHARED_PRELOAD}`);
    const libraries = (preload[0]?.[SHARED_PRELOAD] ?? '').split(',').map((l) => l.trim());
    if (!libraries.includes('pg_stat_statements')) {
      return `the server does not preload pg_stat_statements (${SHARED_PRELOAD} = '${libraries.join(',')}')`;
    }
    try {
      await this.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await this.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
      return undefined;
    } catch (error) {
      return `pg_stat_statements is preloaded but cannot be read here: ${(error as Error).message}`;
    }
  }

  /** A statement of the bench's own: marked and counted. */
  async query<T extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.sent += 1;
    return (await this.client.query<T>(`/* ${BENCH_STATEMENT_MARK} */ ${sql}`, params)).rows;
  }

  /** Waits for the statistics to settle, then reads them (call it with no request in flight). */
  async sample(): Promise<DatabaseSample> {
    await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
    const benchStatementsSent = this.sent;
    const [db] = await this.query<{ c: string; w: string; x: string }>(
      `SELECT xact_commit AS c, tup_inserted + tup_updated + tup_deleted AS w,
              pg_snapshot_xmax(pg_current_snapshot())::text AS x
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const sample: DatabaseSample = {
      commits: Number(db.c),
      nextXid: Number(db.x),
      rowsWritten: Number(db.w),
      benchStatementsSent,
    };
    if (this.statementsUnavailable === undefined) {
      const rows = await this.query<{ id: string; calls: string; query: string; bench: boolean }>(
        `SELECT queryid::text AS id, sum(calls)::bigint AS calls,
                left(min(query), ${STATEMENT_TEXT_CHARS}) AS query,
                bool_or(strpos(query, $1) > 0) AS bench
           FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND queryid IS NOT NULL
          GROUP BY queryid`,
        [BENCH_STATEMENT_MARK],
      );
      sample.statements = rows.map((r) => ({ ...r, calls: Number(r.calls) }));
    }
    return sample;
  }

  async end(): Promise<void> {
    await this.client.end();
  }
}
