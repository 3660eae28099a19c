import type { RunningSimulators } from '@lib/simulators';
import { dmsInvoice, dsInvoice } from '../support/api';
import type { GatewayProcess } from '../support/gateway-process';
import {
  api,
  countBy,
  openDatabase,
  runId,
  simFaults,
  simRequests,
  startGateway,
  startSimulators,
  stopGateway,
  waitUntil,
} from './chaos-support';

const DMS_CREATE = '/api/invoices/generate';
const DS_CREATE = '/returns/v1/invoices';
/** What the restarted process is given to answer every retried call with its real outcome. */
const TAKEOVER_MS = 5_000;

type Db = Awaited<ReturnType<typeof openDatabase>>;
interface Call {
  body: { reference: string; provider: string };
  key: string;
}
interface Retried {
  status: number;
  code?: string;
  providerInvoiceId?: string;
  /** Milliseconds from the restarted process listening to the final answer. */
  afterRestartMs: number;
  /** 409 idempotency_key_in_flight answers before it (each followed by its Retry-After). */
  inFlight: number;
}

/**
 * Issue 19, "takeover in seconds after a crash": sync creates in flight against a slow upstream
 * when the gateway is killed (kill -9), a restart, and each caller retrying with the same
 * Idempotency-Key (as a client does: again after Retry-After while it answers in flight). The
 * lease is a minute, so only the dead process's liveness mark can free the calls in time.
 */
describe('chaos: takeover in seconds after kill -9 (sync calls in flight)', () => {
  let db: Db;
  let sims: RunningSimulators | undefined;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map(stopGateway));
    await sims?.stop();
    sims = undefined;
    await db.endLeftovers();
  });

  const gateway = async () => {
    // upstream timeouts well above the simulators' latency, so a loaded machine does not turn
    // the real outcome into a 504
    const started = await startGateway(sims!, {
      ASYNC_LEASE_MS: '60000',
      DMS_TIMEOUT_MS: '6000',
      DMS_DEADLINE_MS: '8000',
      DELIVERY_SOLUTIONS_TIMEOUT_MS: '6000',
      DELIVERY_SOLUTIONS_DEADLINE_MS: '8000',
    });
    gateways.push(started);
    return started;
  };

  /** The call with its key, again after each Retry-After while in flight, until `deadline`. */
  async function retry(gw: GatewayProcess, call: Call, restartedAt: number, deadline: number) {
    let inFlight = 0;
    for (;;) {
      const res = await api(gw, 'POST', '/v1/invoices', call.body, { 'idempotency-key': call.key });
      if (res.status !== 409 || res.body?.code !== 'idempotency_key_in_flight') {
        return {
          status: res.status,
          code: res.body?.code as string | undefined,
          providerInvoiceId: res.body?.providerInvoiceId as string | undefined,
          afterRestartMs: Date.now() - restartedAt,
          inFlight,
        } satisfies Retried;
      }
      inFlight += 1;
      const waitMs = Number(res.headers.get('retry-after') ?? '1') * 1000;
      if (Date.now() + waitMs > deadline) {
        throw new Error(
          `${call.body.reference} still in flight ${TAKEOVER_MS} ms after the restart`,
        );
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  it('kill -9 with sync creates in flight: each retry with the same key gets its real outcome within 5 s of the restart', async () => {
    sims = await startSimulators();
    await simFaults(sims, 'dms', [{ path: DMS_CREATE, latencyMs: 1000 }]);
    await simFaults(sims, 'delivery-solutions', [{ path: DS_CREATE, latencyMs: 1000 }]);
    const first = await gateway();
    const run = runId();
    const calls: Call[] = [
      ...Array.from({ length: 16 }, (_, i) => dmsInvoice({ reference: `TK-${run}-dms-${i}` })),
      ...Array.from({ length: 4 }, (_, i) => dsInvoice({ reference: `TK-${run}-ds-${i}` })),
    ].map((body, i) => ({ body, key: `takeover-${run}-${i}` }));
    const references = calls.map((call) => call.body.reference);

    // every call in flight (its row running, its upstream call under way), then the kill
    const cut = calls.map((call) =>
      api(first, 'POST', '/v1/invoices', call.body, { 'idempotency-key': call.key }).catch(
        () => undefined,
      ),
    );
    await waitUntil(
      'every call to be in flight',
      async () =>
        (await db.byReference(references)).filter((row) => row.status === 'running').length ===
        calls.length,
      15_000,
      20,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(cut);
    const atKill = await db.byReference(references);
    expect(atKill.map((row) => row.status)).toEqual(calls.map(() => 'running'));

    const second = await gateway();
    const restartedAt = Date.now();
    const deadline = restartedAt + TAKEOVER_MS;
    const retried = await Promise.all(
      calls.map((call) => retry(second, call, restartedAt, deadline)),
    );

    // the real outcome of each: DMS deduplicates by request_number, so its creates succeed;
    // a Delivery Solutions create that reached the upstream before the kill cannot be confirmed
    // (outcome_uncertain, for an operator), never sent as a second invoice
    const dms = retried.slice(0, 16);
    const ds = retried.slice(16);
    expect(dms.map((answer) => answer.status)).toEqual(dms.map(() => 201));
    expect(new Set(dms.map((answer) => answer.providerInvoiceId)).size).toBe(16);
    for (const answer of ds) {
      expect(
        answer.status === 201 || (answer.status === 409 && answer.code === 'outcome_uncertain'),
      ).toBe(true);
    }
    expect(Math.max(...retried.map((answer) => answer.afterRestartMs))).toBeLessThanOrEqual(
      TAKEOVER_MS,
    );

    const rows = await db.byReference(references);
    expect(rows.filter((row) => row.status === 'running' || row.status === 'queued')).toEqual([]);
    for (const row of rows) {
      expect(row.attempts).toBe(2);
      expect(row.history.filter((h) => h.outcome === 'abandoned')).toHaveLength(1);
    }
    const dsStored = countBy(
      (await simRequests(sims, 'delivery-solutions')).filter(
        (r) => r.path === DS_CREATE && r.status === 201,
      ),
      'orderExternalId',
    );
    for (const call of calls.slice(16)) {
      expect(dsStored.get(call.body.reference) ?? 0).toBeLessThanOrEqual(1);
    }
    // for the report: how the retries went
    process.stdout.write(
      `takeover after kill -9: restart to listening ${second.startedInMs} ms; slowest answer ` +
        `${Math.max(...retried.map((a) => a.afterRestartMs))} ms after it; in-flight answers ` +
        `before the outcome: ${retried.reduce((n, a) => n + a.inFlight, 0)} of ${calls.length} calls\n`,
    );
  });
});
