/**
 * The queue drain: the operations the async accept left queued (topped up through the API to
 * BENCH_DRAIN_OPERATIONS) delivered by two gateway processes with their workers on.
 *
 * The queued rows are held (`SELECT ... FOR UPDATE` in a transaction of the bench's own, which
 * the workers' `FOR UPDATE SKIP LOCKED` claim passes over) until both processes are ready and
 * sampled, then released at once: both start from an idle, warm state, and their start-up is
 * outside the window. Deliveries/s runs from the first claim (the earliest `started_at`) to the
 * last completion (the latest `completed_at`); the bench polls the table by status until no
 * operation is `queued` or `running`.
 */
import { Client } from 'pg';
import {
  BENCH_STATEMENT_MARK,
  databaseUse,
  type DatabaseProbe,
  type DatabaseUse,
} from './db-probe';
import { runLoad, type LoadTarget } from './load';
import { sampleProcess, sleep, type Gateway, type ProcessSample } from './processes';
import { round } from './round';

/** Gateway processes that deliver the queue together. */
export const DRAIN_PROCESSES = 2;
const POLL_MS = 100;
const FINAL_STATUSES = ['succeeded', 'failed', 'dead'];
const SAMPLE_CHARS = 300;

export interface DrainProcess {
  role: string;
  /** From spawning it to its first ready answer. */
  readyMs: number;
  /** CPU it spent in the window (user + system). */
  cpuMs?: number;
  peakRssMb?: number;
}

export interface DrainResult {
  /** Operations in the queue when the drain began (all of them are counted). */
  operations: number;
  /** Of those, the ones that ended (succeeded, failed or dead). */
  delivered: number;
  succeeded: number;
  /** Everything that did not end `succeeded`, including what was still waiting at the timeout. */
  errors: number;
  statusCounts: Record<string, number>;
  /** One example per status other than `succeeded`: its lastError, or why it is still waiting. */
  errorSamples: Record<string, string>;
  timedOut: boolean;
  firstClaimAt: string | null;
  lastCompletedAt: string | null;
  windowS: number;
  deliveriesPerS: number;
  cpuMsPerDelivery?: number;
  processes: DrainProcess[];
  database?: DatabaseUse;
}

export interface TopUp {
  /** Operations queued before the top-up (the async accept's, warm-up included). */
  queuedBefore: number;
  requested: number;
  accepted: number;
  /** Non-2xx answers, socket errors and timeouts of the top-up requests, by status. */
  failed: Record<string, number>;
  errorSamples: Record<string, string>;
}

/** Operations to add so that at least `target` are queued. */
export function topUpCount(queued: number, target: number): number {
  return Math.max(0, target - queued);
}

/** Deliveries per second from the first claim to the last completion (0 without a window). */
export function drainRate(
  delivered: number,
  firstClaimAt: Date | null,
  lastCompletedAt: Date | null,
): { windowS: number; perS: number } {
  if (!firstClaimAt || !lastCompletedAt) return { windowS: 0, perS: 0 };
  const windowS = (lastCompletedAt.getTime() - firstClaimAt.getTime()) / 1000;
  return windowS > 0
    ? { windowS: round(windowS, 3), perS: round(delivered / windowS, 1) }
    : { windowS: 0, perS: 0 };
}

/** How the drained operations ended: anything but `succeeded` is an error. */
export function drainOutcome(statusCounts: Record<string, number>): {
  operations: number;
  delivered: number;
  succeeded: number;
  errors: number;
} {
  const count = (statuses: string[]) =>
    Object.entries(statusCounts)
      .filter(([status]) => statuses.includes(status))
      .reduce((sum, [, n]) => sum + n, 0);
  const operations = Object.values(statusCounts).reduce((sum, n) => sum + n, 0);
  const succeeded = count(['succeeded']);
  return {
    operations,
    delivered: count(FINAL_STATUSES),
    succeeded,
    errors: operations - succeeded,
  };
}

/** CPU milliseconds of all the processes together per delivery; undefined if one is unknown. */
export function cpuMsPerDelivery(
  before: readonly (ProcessSample | undefined)[],
  after: readonly (ProcessSample | undefined)[],
  delivered: number,
): number | undefined {
  if (delivered <= 0 || before.length !== after.length) return undefined;
  let total = 0;
  for (let i = 0; i < before.length; i++) {
    const [b, a] = [before[i], after[i]];
    if (!b || !a) return undefined;
    total += a.cpuMs - b.cpuMs;
  }
  return round(total / delivered, 3);
}

async function queuedCount(probe: DatabaseProbe): Promise<number> {
  const [row] = await probe.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM operations WHERE status = 'queued'`,
  );
  return row.n;
}

/** Adds operations through the API (through a worker-off gateway) until `target` are queued. */
export async function topUpQueue(
  probe: DatabaseProbe,
  target: LoadTarget,
  want: number,
  options: {
    connections: number;
    requestTimeoutMs: number;
    nextSeq: () => number;
    timeoutS: number;
  },
): Promise<TopUp> {
  const queuedBefore = await queuedCount(probe);
  const requested = topUpCount(queuedBefore, want);
  const top: TopUp = { queuedBefore, requested, accepted: 0, failed: {}, errorSamples: {} };
  if (requested === 0) return top;
  const result = await runLoad(target, {
    connections: Math.min(options.connections, requested),
    durationMs: options.timeoutS * 1000,
    requestTimeoutMs: options.requestTimeoutMs,
    nextSeq: options.nextSeq,
    maxRequests: requested,
  });
  top.accepted = result.ok;
  top.failed = Object.fromEntries(
    Object.entries(result.statusCounts).filter(([status]) => !/^2\d\d$/.test(status)),
  );
  top.errorSamples = result.errorSamples;
  return top;
}

/**
 * Holds the queued operations, starts the delivering gateways, samples them, releases the queue
 * and waits until it is empty (or `timeoutS` has passed); stops the gateways, then reads how
 * every operation ended.
 */
export async function drainQueue(
  probe: DatabaseProbe,
  databaseUrl: string,
  startGateways: () => Promise<Gateway[]>,
  timeoutS: number,
): Promise<DrainResult> {
  const ids = (
    await probe.query<{ id: string }>(`SELECT id FROM operations WHERE status = 'queued'`)
  ).map((r) => r.id);
  const hold = new Client({
    connectionString: databaseUrl,
    application_name: 'invoice-gateway-bench-hold',
  });
  hold.on('error', () => undefined);
  await hold.connect();
  let gateways: Gateway[];
  try {
    await hold.query(`BEGIN /* ${BENCH_STATEMENT_MARK} */`);
    await hold.query(
      `/* ${BENCH_STATEMENT_MARK} */ SELECT id FROM operations WHERE id = ANY($1::uuid[]) FOR UPDATE`,
      [ids],
    );
    gateways = await startGateways();
  } catch (error) {
    await hold.end().catch(() => undefined);
    throw error;
  }
  const dbBefore = await probe.sample();
  const cpuBefore = gateways.map((g) => sampleProcess(g.pid));
  // ending the session rolls the holding transaction back: no statement, no commit
  await hold.end();
  const releasedAt = Date.now();
  let timedOut = false;
  for (;;) {
    const [row] = await probe.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM operations WHERE status IN ('queued', 'running')`,
    );
    if (row.n === 0) break;
    if (Date.now() - releasedAt > timeoutS * 1000) {
      timedOut = true;
      break;
    }
    await sleep(POLL_MS);
  }
  const cpuAfter = gateways.map((g) => sampleProcess(g.pid));
  // a backend publishes its pg_stat_database counts when it ends (a busy pooled one may not
  // before): stop the gateways first, so the commits and rows of the drain are all in
  for (const g of gateways) await g.stop();
  const dbAfter = await probe.sample();

  const statusRows = await probe.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM operations WHERE id = ANY($1::uuid[]) GROUP BY status`,
    [ids],
  );
  const statusCounts = Object.fromEntries(statusRows.map((r) => [r.status, r.n]));
  const [window] = await probe.query<{ first: Date | null; last: Date | null }>(
    `SELECT min(started_at) AS first, max(completed_at) AS last
       FROM operations WHERE id = ANY($1::uuid[]) AND status IN ('succeeded', 'failed', 'dead')`,
    [ids],
  );
  const samples = await probe.query<{ status: string; error: string | null }>(
    `SELECT DISTINCT ON (status) status, last_error::text AS error
       FROM operations WHERE id = ANY($1::uuid[]) AND status <> 'succeeded'
      ORDER BY status, created_at`,
    [ids],
  );
  const errorSamples = Object.fromEntries(
    samples.map((s) => [
      s.status,
      FINAL_STATUSES.includes(s.status)
        ? (s.error ?? '(no lastError)').slice(0, SAMPLE_CHARS)
        : `still ${s.status} ${timeoutS} s after the queue was released`,
    ]),
  );
  const outcome = drainOutcome(statusCounts);
  const rate = drainRate(outcome.delivered, window.first, window.last);
  return {
    ...outcome,
    statusCounts,
    errorSamples,
    timedOut,
    firstClaimAt: window.first?.toISOString() ?? null,
    lastCompletedAt: window.last?.toISOString() ?? null,
    windowS: rate.windowS,
    deliveriesPerS: rate.perS,
    cpuMsPerDelivery: cpuMsPerDelivery(cpuBefore, cpuAfter, outcome.delivered),
    processes: gateways.map((g, i) => {
      const [b, a] = [cpuBefore[i], cpuAfter[i]];
      return {
        role: g.role,
        readyMs: g.readyMs,
        cpuMs: b && a ? round(a.cpuMs - b.cpuMs, 1) : undefined,
        peakRssMb: a?.peakRssMb,
      };
    }),
    database: databaseUse(dbBefore, dbAfter, outcome.delivered),
  };
}
