import { OPERATION_STATUSES } from '../../database/entities/operation.entity';
import type {
  AttentionCounts,
  BucketCountRow,
  QueueDepthByStatus,
  StatsBucket,
} from '../../database/repositories/operation-stats.repository';
import type {
  OperationStatsDto,
  ProviderQueueDto,
  StatsTotalsDto,
  StatusCountsDto,
} from './stats.dto';

export const BUCKET_MS: Record<StatsBucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** How far back each bucket width may look (so an answer has at most ~750 buckets). */
export const MAX_LOOKBACK_MS: Record<StatsBucket, number> = {
  hour: 31 * 86_400_000,
  day: 400 * 86_400_000,
};

function zeroStatuses(): StatusCountsDto {
  return { queued: 0, running: 0, succeeded: 0, failed: 0, dead: 0 };
}

function isStatus(status: string): status is keyof StatusCountsDto {
  return (OPERATION_STATUSES as readonly string[]).includes(status);
}

function emptyTotals(): StatsTotalsDto {
  return { total: 0, byStatus: zeroStatuses(), byProvider: {} };
}

function add(into: StatsTotalsDto, row: BucketCountRow): void {
  into.total += row.count;
  if (isStatus(row.status)) into.byStatus[row.status] += row.count;
  into.byProvider[row.provider] = (into.byProvider[row.provider] ?? 0) + row.count;
}

/** The answer of GET /v1/stats/operations: every bucket from `since` to `until`, zeros included. */
export function operationStats(input: {
  since: Date;
  until: Date;
  bucket: StatsBucket;
  counts: BucketCountRow[];
  queue: QueueDepthByStatus[];
  oldestDueAgeSeconds: number | null;
  attention: AttentionCounts;
}): OperationStatsDto {
  const width = BUCKET_MS[input.bucket];
  const first = Math.floor(input.since.getTime() / width) * width;
  const buckets = new Map<number, StatsTotalsDto>();
  for (let start = first; start <= input.until.getTime(); start += width) {
    buckets.set(start, emptyTotals());
  }
  const totals = emptyTotals();
  for (const row of input.counts) {
    let bucket = buckets.get(row.startMs);
    if (!bucket) {
      // accepted after `until` was taken: counted in a bucket of its own
      bucket = emptyTotals();
      buckets.set(row.startMs, bucket);
    }
    add(bucket, row);
    add(totals, row);
  }
  const byProvider = new Map<string, ProviderQueueDto>();
  let queued = 0;
  let running = 0;
  for (const row of input.queue) {
    const entry = byProvider.get(row.provider) ?? { provider: row.provider, queued: 0, running: 0 };
    if (row.status === 'queued') {
      entry.queued += row.count;
      queued += row.count;
    } else if (row.status === 'running') {
      entry.running += row.count;
      running += row.count;
    }
    byProvider.set(row.provider, entry);
  }
  return {
    since: input.since.toISOString(),
    until: input.until.toISOString(),
    bucket: input.bucket,
    buckets: [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, counts]) => ({ start: new Date(start).toISOString(), ...counts })),
    totals,
    queue: {
      queued,
      running,
      byProvider: [...byProvider.values()],
      oldestDueAgeSeconds: input.oldestDueAgeSeconds,
    },
    attention: input.attention,
  };
}
