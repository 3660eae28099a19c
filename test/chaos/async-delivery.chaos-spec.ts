import type { RunningSimulators } from '@lib/simulators';
import { Webhook } from 'standardwebhooks';
import { dmsInvoice, dsInvoice, statusItem } from '../support/api';
import { startCallbackReceiver } from '../support/callback-receiver';
import type { GatewayProcess } from '../support/gateway-process';
import {
  accept,
  api,
  CALLBACK_SECRET,
  clearSimFaults,
  countBy,
  inParallel,
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
type Db = Awaited<ReturnType<typeof openDatabase>>;

/** Requests the simulator processed (answered, or processed with the answer lost). */
const processed = async (sims: RunningSimulators, path: string) =>
  (await simRequests(sims, 'dms')).filter((r) => r.path === path && r.status !== undefined);

const allSucceeded = (db: Db, ids: string[]) => async () =>
  (await db.statusCounts(ids)).succeeded === ids.length;

describe('chaos: durable async delivery with real processes and a real Postgres', () => {
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

  const gateway = async (extra: Record<string, string> = {}) => {
    const started = await startGateway(sims!, extra);
    gateways.push(started);
    return started;
  };

  it('kill -9 with 100+ async operations in flight: after a restart all succeed, each document stored once upstream', async () => {
    sims = await startSimulators();
    await simFaults(sims, 'dms', [{ path: DMS_CREATE, latencyMs: 400 }]);
    const first = await gateway({ ASYNC_CONCURRENCY: '8' });
    const run = runId();
    const bodies = Array.from({ length: 150 }, (_, i) =>
      dmsInvoice({ reference: `K9-${run}-${i}` }),
    );
    const ids = await inParallel(bodies, 20, (body) => accept(first, '/v1/invoices', body));
    await waitUntil(
      'deliveries under way',
      async () => ((await db.statusCounts(ids)).succeeded ?? 0) >= 1,
      20_000,
      20,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await db.statusCounts(ids);
    expect((atKill.queued ?? 0) + (atKill.running ?? 0)).toBeGreaterThanOrEqual(100);

    await gateway({ ASYNC_CONCURRENCY: '8' });
    await waitUntil('every operation to succeed after the restart', allSucceeded(db, ids), 60_000);
    const rows = await db.operations(ids);
    const counts = countBy(await processed(sims, DMS_CREATE), 'request_number');
    for (const body of bodies) expect(counts.get(body.reference)).toBeGreaterThanOrEqual(1);
    // a document processed twice can only be one whose attempt the kill cut after the upstream
    // stored it; DMS keeps one invoice per request_number, so it answered the same invoice again
    const twice = rows.filter((row) => (counts.get(row.reference) ?? 0) > 1);
    for (const row of twice) {
      expect(row.history.some((h) => h.outcome === 'abandoned')).toBe(true);
    }
    expect(twice.length).toBeLessThanOrEqual(8);
    const invoiceIds = new Set(rows.map((row) => row.result?.providerInvoiceId));
    expect(invoiceIds.size).toBe(150);
  });

  it('two gateway processes drain 500 operations: one attempt each, each document once upstream', async () => {
    sims = await startSimulators();
    const [a, b] = await Promise.all([gateway(), gateway()]);
    const run = runId();
    const bodies = Array.from({ length: 500 }, (_, i) =>
      dmsInvoice({ reference: `R2-${run}-${i}` }),
    );
    const ids = await inParallel(bodies, 16, (body, i) =>
      accept(i % 2 ? a : b, '/v1/invoices', body),
    );
    await waitUntil('all 500 to succeed', allSucceeded(db, ids), 90_000);
    const rows = await db.operations(ids);
    expect(rows.filter((row) => row.attempts !== 1 || row.history.length !== 1)).toEqual([]);
    const counts = countBy(await processed(sims, DMS_CREATE), 'request_number');
    expect(bodies.filter((body) => counts.get(body.reference) !== 1)).toEqual([]);
    // both processes took part
    const delivered = async (g: GatewayProcess) => {
      const text = await (await fetch(`${g.url}/metrics`)).text();
      const match =
        /gateway_async_deliveries_total\{provider="dms",outcome="succeeded"\} (\d+)/.exec(text);
      return Number(match?.[1] ?? 0);
    };
    const [byA, byB] = await Promise.all([delivered(a), delivered(b)]);
    expect(byA + byB).toBe(500);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
  });

  it('a 503 + 429 (Retry-After) storm: every operation succeeds, attempts bounded and accounted for', async () => {
    sims = await startSimulators();
    // 40 % of the answers fail (half 503, half 429 with Retry-After: 1), spread so the circuit
    // breaker (opens at 50 % of 10+ calls) stays closed and every failure costs an attempt
    const cycle = [
      { status: 503 },
      {},
      { status: 429, retryAfterSeconds: 1 },
      {},
      { status: 503 },
      {},
      { status: 429, retryAfterSeconds: 1 },
      {},
      {},
      {},
    ];
    const faults = Array.from({ length: 10 }, () => cycle)
      .flat()
      .map((fault) => ({
        path: DMS_CREATE,
        count: 1,
        ...(fault.status ? fault : { latencyMs: 0 }),
      }));
    await simFaults(sims, 'dms', faults);
    const gw = await gateway({ ASYNC_MAX_ATTEMPTS: '10' });
    const run = runId();
    const bodies = Array.from({ length: 60 }, (_, i) =>
      dmsInvoice({ reference: `ST-${run}-${i}` }),
    );
    const ids = await inParallel(bodies, 10, (body) => accept(gw, '/v1/invoices', body));
    await waitUntil('the storm to be weathered', allSucceeded(db, ids), 90_000);
    const rows = await db.operations(ids);
    // one attempt per upstream answer: 60 successes and the 40 failures the storm dealt
    expect(rows.reduce((sum, row) => sum + row.attempts, 0)).toBe(100);
    expect(Math.max(...rows.map((row) => row.attempts))).toBeLessThanOrEqual(10);
    const failures = rows.flatMap((row) => row.history.filter((h) => h.outcome === 'failed'));
    expect(failures).toHaveLength(40);
    const counts = countBy(await processed(sims, DMS_CREATE), 'request_number');
    expect(bodies.filter((body) => (counts.get(body.reference) ?? 0) < 1)).toEqual([]);
  });

  it('SIGTERM: the worker stops claiming, the running delivery finishes within the grace, the rest waits for the next process', async () => {
    sims = await startSimulators();
    await simFaults(sims, 'dms', [{ path: DMS_CREATE, latencyMs: 1000 }]);
    const first = await gateway({ ASYNC_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '1500' });
    const run = runId();
    const bodies = Array.from({ length: 3 }, (_, i) =>
      dmsInvoice({ reference: `TERM-${run}-${i}` }),
    );
    const ids: string[] = [];
    for (const body of bodies) ids.push(await accept(first, '/v1/invoices', body));
    await waitUntil(
      'the first delivery to run',
      async () => (await db.statusCounts(ids)).running === 1,
      10_000,
      20,
    );
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await db.statusCounts(ids)).toEqual({ succeeded: 1, queued: 2 });

    await gateway();
    await waitUntil('the rest to be delivered by the next process', allSucceeded(db, ids), 30_000);
    const rows = await db.operations(ids);
    expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1]);
    const counts = countBy(await processed(sims, DMS_CREATE), 'request_number');
    expect(bodies.map((body) => counts.get(body.reference))).toEqual([1, 1, 1]);
  });

  describe('on one gateway process', () => {
    let gw: GatewayProcess;
    beforeEach(async () => {
      sims = await startSimulators();
      gw = await gateway();
    });
    const settled = (id: string) =>
      waitUntil(
        `operation ${id} to end`,
        async () => ['succeeded', 'failed', 'dead'].includes((await db.operations([id]))[0].status),
        30_000,
      ).then(async () => (await api(gw, 'GET', `/v1/operations/${id}`)).body);

    it('hard error -> failed after one attempt; persistent 503 -> dead after ASYNC_MAX_ATTEMPTS; replay -> succeeded, history kept; replay of succeeded -> 409', async () => {
      const hard = await accept(
        gw,
        '/v1/invoices',
        dmsInvoice({ party: { code: 'UNKNOWN', name: 'Nobody' } }),
      );
      expect(await settled(hard)).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: { code: 'upstream_rejected', upstream: { code: 'INVALID_DEALER_CODE' } },
      });

      await simFaults(sims!, 'dms', [{ path: DMS_CREATE, status: 503 }]);
      const outage = await accept(gw, '/v1/invoices', dmsInvoice());
      const dead = await settled(outage);
      expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
      await clearSimFaults(sims!, 'dms');
      expect((await api(gw, 'POST', `/v1/operations/${outage}/replay`)).status).toBe(202);
      const replayed = await settled(outage);
      expect(replayed).toMatchObject({ status: 'succeeded', attempts: 5 });
      expect(replayed.history.map((h: { outcome: string }) => h.outcome)).toEqual([
        'failed',
        'failed',
        'failed',
        'failed',
        'succeeded',
      ]);
      const again = await api(gw, 'POST', `/v1/operations/${outage}/replay`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
    });

    it('a Delivery Solutions create whose first answer is lost -> outcome_uncertain, never a duplicate; resolve -> succeeded with a ledger row', async () => {
      await simFaults(sims!, 'delivery-solutions', [
        { path: '/returns/v1/invoices', method: 'POST', mode: 'lose-answer', count: 1 },
      ]);
      const body = dsInvoice();
      const id = await accept(gw, '/v1/invoices', body);
      const failed = await settled(id);
      expect(failed).toMatchObject({ status: 'failed', lastError: { code: 'outcome_uncertain' } });
      const creates = (await simRequests(sims!, 'delivery-solutions')).filter(
        (r) =>
          r.method === 'POST' &&
          (r.body as { orderExternalId?: string } | undefined)?.orderExternalId === body.reference,
      );
      // the first stored the invoice (its answer was lost); the second was refused as a duplicate
      expect(creates.map((r) => r.status)).toEqual([201, 422]);
      const resolved = await api(gw, 'POST', `/v1/operations/${id}/resolve`, {
        note: 'found in the Delivery Solutions portal',
        providerInvoiceId: 'ds-found-1',
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({
        status: 'succeeded',
        resolution: { by: expect.any(String) },
      });
      const ledger = await api(
        gw,
        'GET',
        `/v1/invoices?provider=delivery-solutions&reference=${body.reference}`,
      );
      expect(ledger.body.items).toEqual([
        expect.objectContaining({ providerInvoiceId: 'ds-found-1', operationId: id }),
      ]);
    });

    it('callbacks: signed, retried until a 2xx; refused at request time off the allow-list, to private or metadata addresses and other schemes', async () => {
      const receiver = await startCallbackReceiver([503, 500, 204]);
      try {
        const id = await accept(gw, '/v1/invoices', { ...dmsInvoice(), callbackUrl: receiver.url });
        await waitUntil(
          'the callback to be delivered',
          async () =>
            (await api(gw, 'GET', `/v1/operations/${id}`)).body.callback?.status === 'delivered',
          30_000,
        );
        const op = (await api(gw, 'GET', `/v1/operations/${id}`)).body;
        expect(op.callback).toMatchObject({ attempts: 3, lastHttpStatus: 204 });
        expect(receiver.received).toHaveLength(3);
        const last = receiver.received[2];
        expect(
          new Webhook(CALLBACK_SECRET).verify(last.body, last.headers as Record<string, string>),
        ).toMatchObject({ type: 'operation.succeeded', data: { id } });
      } finally {
        await receiver.close();
      }
      for (const url of [
        'https://hooks.example.com/x',
        'http://192.168.1.20/x',
        'http://169.254.169.254/latest/meta-data',
        'file:///etc/passwd',
      ]) {
        const res = await api(
          gw,
          'POST',
          '/v1/invoices',
          { ...dmsInvoice(), callbackUrl: url },
          { prefer: 'respond-async' },
        );
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ path: 'callbackUrl' })]);
      }
    });

    it('a status batch whose upstream fails as a whole is re-sent and settles per item', async () => {
      await simFaults(sims!, 'gep-smart', [
        { path: '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails', status: 503, count: 2 },
      ]);
      const run = runId();
      const item = statusItem;
      const updates = [
        item(`INV-${run}-1`),
        item(`INV-${run}-2`, { exceptionType: 'PriceMismatch' }), // rejected locally, never sent
        item('INVALID-7'), // rejected by GEP
        item(`INV-${run}-3`),
      ];
      const id = await accept(gw, '/v1/invoice-status-updates', { updates });
      const done = await settled(id);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 3 });
      expect(
        done.result.results.map((r: { key: string; status: string; attempt: number }) => [
          r.key,
          r.status,
          r.attempt,
        ]),
      ).toEqual([
        [`INV-${run}-1`, 'accepted', 3],
        [`INV-${run}-2`, 'rejected', 1],
        ['INVALID-7', 'rejected', 3],
        [`INV-${run}-3`, 'accepted', 3],
      ]);
      const sent = (await simRequests(sims!, 'gep-smart')).filter((r) =>
        r.path.endsWith('/InvoiceStatusdetails'),
      );
      // three sends: two failed as a whole (faulted before the body was read), then the three
      // items that go upstream; the locally rejected one never
      expect(sent.map((r) => r.faultId !== undefined)).toEqual([true, true, false]);
      expect((sent[2].body as { models: unknown[] }).models).toHaveLength(3);
    });
  });
});
