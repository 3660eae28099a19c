import type { StatementUse } from './db-probe';
import type { LoadResult } from './load';
import { round } from './round';

export interface ScenarioStats {
  scenario: string;
  /** `direct` (straight to the simulator), `proxy` (bare Fastify + undici) or `gateway`. */
  path: 'direct' | 'proxy' | 'gateway';
  description: string;
  requests: number;
  ok: number;
  errors: number;
  statusCounts: Record<string, number>;
  errorSamples: Record<string, string>;
  durationS: number;
  /** Completed requests per second (2xx and non-2xx). */
  throughput: number;
  /** 2xx answers per second. */
  okThroughput: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface Comparison {
  scenario: string;
  /** gateway throughput / direct throughput (below 1: the gateway serves fewer per second). */
  throughputRatio: number;
  /** gateway p50 / direct p50. */
  p50Ratio: number;
  /** gateway p99 / direct p99. */
  p99Ratio: number;
  /** gateway p50 - direct p50, in milliseconds: what the gateway adds to a typical request. */
  p50AddedMs: number;
  /** gateway p99 - direct p99, in milliseconds. */
  p99AddedMs: number;
  /** gateway throughput / bare proxy throughput (the target: >= 0.25). */
  proxyThroughputRatio: number;
  /** Set when the direct and proxy measurements are those of that scenario, in the same run. */
  baseline?: string;
  /** The gateway process during the measured window of this scenario. */
  gatewayCpuMsPerRequest?: number;
  /** Write system calls of the gateway process per request (socket writes, mostly). */
  gatewaySyscwPerRequest?: number;
  gatewayRssMb?: number;
  commitsPerRequest?: number;
  /** Transactions that wrote, per request (transaction ids assigned). */
  writeTransactionsPerRequest?: number;
  rowsWrittenPerRequest?: number;
  /** SQL statements per request (pg_stat_statements); unset when it is not available. */
  statementsPerRequest?: number;
  /** The statements with the most calls in the window (text truncated), with calls per request. */
  topStatements?: StatementUse[];
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(
  scenario: string,
  path: ScenarioStats['path'],
  description: string,
  result: LoadResult,
): ScenarioStats {
  const sorted = Float64Array.from(result.latenciesMs).sort();
  const values = Array.from(sorted);
  const seconds = result.elapsedMs / 1000;
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    scenario,
    path,
    description,
    requests: result.requests,
    ok: result.ok,
    errors: result.errors,
    statusCounts: result.statusCounts,
    errorSamples: result.errorSamples,
    durationS: round(seconds, 2),
    throughput: round(seconds > 0 ? result.requests / seconds : 0, 1),
    okThroughput: round(seconds > 0 ? result.ok / seconds : 0, 1),
    meanMs: round(values.length ? sum / values.length : 0, 2),
    p50Ms: round(percentile(values, 50), 2),
    p90Ms: round(percentile(values, 90), 2),
    p99Ms: round(percentile(values, 99), 2),
    maxMs: round(values.length ? values[values.length - 1] : 0, 2),
  };
}

export function compare(
  direct: ScenarioStats,
  proxy: ScenarioStats,
  gateway: ScenarioStats,
): Comparison {
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : 0);
  return {
    scenario: gateway.scenario,
    ...(direct.scenario !== gateway.scenario ? { baseline: direct.scenario } : {}),
    throughputRatio: ratio(gateway.throughput, direct.throughput),
    p50Ratio: ratio(gateway.p50Ms, direct.p50Ms),
    p99Ratio: ratio(gateway.p99Ms, direct.p99Ms),
    p50AddedMs: round(gateway.p50Ms - direct.p50Ms, 2),
    p99AddedMs: round(gateway.p99Ms - direct.p99Ms, 2),
    proxyThroughputRatio: ratio(gateway.throughput, proxy.throughput),
  };
}

/** A plain-text table with right-aligned numeric columns. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)]
    .map((l) => l.trimEnd())
    .join('\n');
}
