import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type LoggedRequest, type RunningSimulators, type SimulatorId } from '@lib/simulators';
import { simulatorOptionsFromEnv, startAllSimulators } from '../../src/providers/simulators';
import { liveProviderEnv } from '../support/live-env';
import { TEST_BOOTSTRAP_KEY } from '../support/test-app';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

export const AUTH = { authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` };
/** A Standard Webhooks secret (`whsec_` + base64 of 32 bytes), fixed so every process shares it. */
export const CALLBACK_SECRET = 'whsec_Y2hhb3MtY2FsbGJhY2stc2VjcmV0LTAxMjM0NTY3ODk=';

/** A prefix no earlier run used, for references. */
export const runId = () => randomUUID().slice(0, 8);

/** The four simulators standalone (random ports), with a request log long enough to count. */
export function startSimulators(): Promise<RunningSimulators> {
  return startAllSimulators(simulatorOptionsFromEnv({ SIM_REQUEST_LOG_SIZE: '20000' }), {
    port: 0,
  });
}

/**
 * A gateway process in live mode against the simulators, on the chaos database, with short
 * leases and backoffs so each case ends in seconds.
 */
export function startGateway(
  sims: RunningSimulators,
  extra: Record<string, string> = {},
): Promise<GatewayProcess> {
  const perProvider = (prefix: string) => ({
    [`${prefix}_TIMEOUT_MS`]: '1500',
    [`${prefix}_DEADLINE_MS`]: '2500',
    [`${prefix}_RETRY_MAX_ATTEMPTS`]: '1',
  });
  return startGatewayProcess({
    DATABASE_URL: process.env.CHAOS_DATABASE_URL!,
    DATABASE_POOL_SIZE: '10',
    LOG_LEVEL: 'info',
    GATEWAY_BOOTSTRAP_API_KEY: TEST_BOOTSTRAP_KEY,
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
    ASYNC_LEASE_MS: '4000',
    ASYNC_RETRY_BASE_MS: '50',
    ASYNC_RETRY_MAX_DELAY_MS: '400',
    ASYNC_MAX_ATTEMPTS: '4',
    CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
    CALLBACK_ALLOW_HTTP: 'true',
    CALLBACK_SECRET,
    CALLBACK_MAX_ATTEMPTS: '5',
    ...liveProviderEnv(sims),
    ...perProvider('DMS'),
    ...perProvider('GEP_SMART'),
    ...perProvider('GEP_QUANTUM'),
    ...perProvider('DELIVERY_SOLUTIONS'),
    ...extra,
  });
}

/** SIGTERM, then SIGKILL if it has not ended in 10 s. */
export async function stopGateway(gateway: GatewayProcess | undefined): Promise<void> {
  if (!gateway || gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  gateway.child.kill('SIGTERM');
  const timer = setTimeout(() => gateway.child.kill('SIGKILL'), 10_000);
  await gateway.exited;
  clearTimeout(timer);
}

/** A parsed JSON answer, read field by field by the cases. */
type ParsedJson = ReturnType<typeof JSON.parse>;

export async function api(
  gateway: GatewayProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: ParsedJson }> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      ...AUTH,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** `Prefer: respond-async` POST; fails unless it is answered 202. Returns the operation id. */
export async function accept(
  gateway: GatewayProcess,
  path: string,
  body: unknown,
): Promise<string> {
  const res = await api(gateway, 'POST', path, body, { prefer: 'respond-async' });
  if (res.status !== 202)
    throw new Error(`expected 202, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Runs `fn` over `items`, `parallel` at a time. */
export async function inParallel<T, R>(
  items: T[],
  parallel: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await fn(items[index], index);
      }
    }),
  );
  return out;
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface OperationRow {
  id: string;
  reference: string;
  status: string;
  attempts: number;
  history: { attempt: number; outcome: string; code?: string; outcomeUnknown?: boolean }[];
  last_error: { code?: string } | null;
  result: { providerInvoiceId?: string } | null;
}

/** Direct reads of the chaos database (the gateways' shared state). */
export async function openDatabase() {
  const client = new Client({ connectionString: process.env.CHAOS_DATABASE_URL });
  await client.connect();
  return {
    async operations(ids: string[]): Promise<OperationRow[]> {
      const res = await client.query<OperationRow>(
        `SELECT id, reference, status, attempts, history, last_error, result FROM operations WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return res.rows;
    },
    /** The operations of these references (the calls a kill cut: their ids never came back). */
    async byReference(references: string[]): Promise<OperationRow[]> {
      const res = await client.query<OperationRow>(
        `SELECT id, reference, status, attempts, history, last_error, result FROM operations WHERE reference = ANY($1::text[])`,
        [references],
      );
      return res.rows;
    },
    async statusCounts(ids: string[]): Promise<Record<string, number>> {
      const res = await client.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM operations WHERE id = ANY($1::uuid[]) GROUP BY status`,
        [ids],
      );
      return Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
    },
    /** Ends what a failed case left waiting, so the next case's gateways do not take it up. */
    async endLeftovers(): Promise<void> {
      await client.query(
        `UPDATE operations SET status = 'failed', lease_expires_at = NULL, next_attempt_at = NULL
         WHERE status IN ('queued', 'running')`,
      );
    },
    close: () => client.end(),
  };
}

/** Requests a simulator received (oldest first). */
export async function simRequests(
  sims: RunningSimulators,
  id: SimulatorId,
): Promise<LoggedRequest[]> {
  const res = await fetch(`${sims.get(id)!.url}/__sim/requests`);
  return ((await res.json()) as { requests: LoggedRequest[] }).requests;
}

export async function simFaults(sims: RunningSimulators, id: SimulatorId, faults: unknown[]) {
  const res = await fetch(`${sims.get(id)!.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (res.status !== 201) throw new Error(`faults refused: ${await res.text()}`);
}

export async function clearSimFaults(sims: RunningSimulators, id: SimulatorId) {
  await fetch(`${sims.get(id)!.url}/__sim/faults`, { method: 'DELETE' });
}

/** How many times each value of `key` in the request bodies was received. */
export function countBy(requests: LoggedRequest[], key: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const value = (r.body as Record<string, unknown> | undefined)?.[key];
    if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}
