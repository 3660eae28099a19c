import type { DataSource } from 'typeorm';

export type StatsBucket = 'hour' | 'day';

/** Operations accepted in one bucket, by status and provider. */
export interface BucketCountRow {
  /** Start of the bucket (UTC), epoch milliseconds. */
  startMs: number;
  status: string;
  provider: string;
  count: number;
}

export interface QueueDepthByStatus {
  status: string;
  provider: string;
  count: number;
}

/** Operations that wait for an operator, whenever they were accepted. */
export interface AttentionCounts {
  dead: number;
  outcomeUncertain: number;
}

/**
 * The SQL behind GET /v1/stats/operations, over the `operations` table: plain parameterised
 * statements, read-only. `clientId` undefined counts every client's operations (admin keys).
 */
export class OperationStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Operations accepted since `since`, counted per bucket (UTC), status and provider. */
  async countsByBucket(
    since: Date,
    bucket: StatsBucket,
    clientId: string | undefined,
  ): Promise<BucketCountRow[]> {
    const rows: { start_ms: number; status: string; provider: string; count: number }[] =
      await this.dataSource.query(
        `SELECT (extract(epoch FROM date_trunc($2::text, created_at AT TIME ZONE 'UTC')) * 1000)::float8
                  AS start_ms,
                status, coalesce(provider, 'none') AS provider, count(*)::int AS count
         FROM operations
         WHERE created_at >= $1 AND ($3::varchar IS NULL OR client_id = $3)
         GROUP BY 1, 2, 3
         ORDER BY 1`,
        [since, bucket, clientId ?? null],
      );
    return rows.map((r) => ({
      startMs: Number(r.start_ms),
      status: r.status,
      provider: r.provider,
      count: r.count,
    }));
  }

  /** Operations waiting or running now, per status and provider. */
  async queueDepth(clientId: string | undefined): Promise<QueueDepthByStatus[]> {
    return this.dataSource.query(
      `SELECT status, coalesce(provider, 'none') AS provider, count(*)::int AS count
       FROM operations
       WHERE status IN ('queued', 'running') AND ($1::varchar IS NULL OR client_id = $1)
       GROUP BY 1, 2
       ORDER BY 1, 2`,
      [clientId ?? null],
    );
  }

  /** Seconds the oldest due `queued` operation has waited past its due time; null when none is due. */
  async oldestDueAgeSeconds(clientId: string | undefined): Promise<number | null> {
    const rows: { seconds: number | null }[] = await this.dataSource.query(
      `SELECT extract(epoch FROM now() - min(next_attempt_at))::float8 AS seconds
       FROM operations
       WHERE status = 'queued' AND next_attempt_at <= now()
         AND ($1::varchar IS NULL OR client_id = $1)`,
      [clientId ?? null],
    );
    const seconds = rows[0]?.seconds;
    return seconds === null || seconds === undefined ? null : Math.max(0, Number(seconds));
  }

  /** Dead operations, and failed ones whose outcome the gateway could not know. */
  async attention(clientId: string | undefined): Promise<AttentionCounts> {
    const rows: { dead: number; uncertain: number }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'dead')::int AS dead,
              count(*) FILTER (WHERE status = 'failed'
                               AND last_error ->> 'code' = 'outcome_uncertain')::int AS uncertain
       FROM operations
       WHERE status IN ('dead', 'failed') AND ($1::varchar IS NULL OR client_id = $1)`,
      [clientId ?? null],
    );
    return { dead: rows[0]?.dead ?? 0, outcomeUncertain: rows[0]?.uncertain ?? 0 };
  }
}
