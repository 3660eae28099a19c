import request from 'supertest';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../src/common/webhooks/standard-webhooks';
import {
  auth,
  clearFaults,
  dmsInvoice,
  dsInvoice,
  injectFault,
  simulatorUrl,
  statusItem,
  unique,
} from './support/api';
import { startCallbackReceiver, waitFor } from './support/callback-receiver';
import { startTestApp, type TestApp } from './support/test-app';

const CALLBACK_SECRET = generateWebhookSecret();
const ASYNC = { ...auth, prefer: 'respond-async' };
const FINAL = ['succeeded', 'failed', 'dead'];

/**
 * `Prefer: respond-async` through real HTTP against the in-process simulators: the 202 and its
 * headers, checks before accepting, the worker's retries, failed, dead, replay, resolve,
 * outcome_uncertain (sync and async), batches settled per item, callbacks, metrics, readiness.
 */
jest.setTimeout(30_000);

describe('durable async delivery (e2e)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({
      ASYNC_RETRY_BASE_MS: '20',
      ASYNC_RETRY_MAX_DELAY_MS: '100',
      ASYNC_MAX_ATTEMPTS: '3',
      DMS_RETRY_MAX_ATTEMPTS: '1',
      GEP_SMART_RETRY_MAX_ATTEMPTS: '1',
      DELIVERY_SOLUTIONS_RETRY_MAX_ATTEMPTS: '1',
      DELIVERY_SOLUTIONS_TIMEOUT_MS: '300',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOW_HTTP: 'true',
      CALLBACK_SECRET,
      CALLBACK_MAX_ATTEMPTS: '3',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(async () => {
    await clearFaults(simulatorUrl(t, 'dms'));
    await clearFaults(simulatorUrl(t, 'delivery-solutions'));
    await clearFaults(simulatorUrl(t, 'gep-smart'));
  });

  const loseNextCreateAnswer = (ds: string) =>
    injectFault(ds, {
      path: '/returns/v1/invoices',
      method: 'POST',
      mode: 'lose-answer',
      count: 1,
    });
  const operation = async (id: string) =>
    (await request(t.url).get(`/v1/operations/${id}`).set(auth).expect(200)).body;
  const settled = (id: string, timeoutMs?: number) =>
    waitFor(
      () => operation(id),
      (op) => FINAL.includes(op.status),
      timeoutMs,
    );

  it('answers 202 with Location and the queued operation, then delivers it', async () => {
    const body = dmsInvoice();
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(body).expect(202);
    expect(res.headers['preference-applied']).toBe('respond-async');
    expect(res.headers.location).toBe(`/v1/operations/${res.body.id}`);
    expect(res.body).toMatchObject({
      kind: 'invoice.create',
      provider: 'dms',
      reference: body.reference,
      status: 'queued',
      attempts: 0,
      history: [],
      callback: null,
      links: { self: `/v1/operations/${res.body.id}` },
    });
    const done = await settled(res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 201 });
    expect(done.result).toMatchObject({ reference: body.reference, provider: 'dms' });
    expect(done.links.resource).toBe(`/v1/invoices/${done.result.id}`);
    expect(done.history).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'succeeded', httpStatus: 201 }),
    ]);
    await request(t.url).get(done.links.resource).set(auth).expect(200);
  });

  it("keeps Delivery Solutions' warnings in the operation's result", async () => {
    const body = dsInvoice({ reference: unique('SIM-WARN') });
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(body).expect(202);
    const done = await settled(res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', responseStatus: 201 });
    expect(done.result.warnings).toEqual([
      { code: 'ADDRESS_UNVERIFIED', message: expect.stringContaining('could not be verified') },
    ]);
  });

  it('answers a repeated Idempotency-Key with 202 and the current state of the same operation', async () => {
    const body = dmsInvoice();
    const key = unique('async-key');
    const first = await request(t.url)
      .post('/v1/invoices')
      .set({ ...ASYNC, 'idempotency-key': key })
      .send(body)
      .expect(202);
    await settled(first.body.id);
    const again = await request(t.url)
      .post('/v1/invoices')
      .set({ ...ASYNC, 'idempotency-key': key })
      .send(body)
      .expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, status: 'succeeded' });
    // without the preference, the stored sync answer is replayed
    const sync = await request(t.url)
      .post('/v1/invoices')
      .set({ ...auth, 'idempotency-key': key })
      .send(body)
      .expect(201);
    expect(sync.body.reference).toBe(body.reference);
    await request(t.url)
      .post('/v1/invoices')
      .set({ ...ASYNC, 'idempotency-key': key })
      .send(dmsInvoice())
      .expect(422);
  });

  it('checks everything that needs no upstream before accepting, and stores nothing then', async () => {
    const bad = await request(t.url)
      .post('/v1/invoices')
      .set(ASYNC)
      .send({ ...dmsInvoice(), amount: -1 })
      .expect(400);
    expect(bad.body.code).toBe('validation_failed');
    const reference = unique('CN');
    const rule = await request(t.url)
      .post('/v1/credit-notes')
      .set(ASYNC)
      .send({
        invoiceId: '00000000-0000-4000-8000-000000000000',
        reference,
        party: { code: 'DLR001', name: 'ABC Motors' },
        amount: 10,
        reason: 'Return',
      })
      .expect(422);
    expect(rule.body).toMatchObject({ code: 'business_rule_violated' });
    const listed = await request(t.url)
      .get(`/v1/operations?reference=${reference}`)
      .set(auth)
      .expect(200);
    expect(listed.body.items).toEqual([]);
    const conflict = dmsInvoice();
    await request(t.url).post('/v1/invoices').set(auth).send(conflict).expect(201);
    const taken = await request(t.url)
      .post('/v1/invoices')
      .set(ASYNC)
      .send({ ...conflict, amount: 1 })
      .expect(409);
    expect(taken.body.code).toBe('conflict');
    await request(t.url)
      .patch('/v1/invoices/00000000-0000-4000-8000-000000000000')
      .set(ASYNC)
      .send({ amount: 1 })
      .expect(404);
  });

  it('retries transient failures with backoff until the upstream answers', async () => {
    await injectFault(simulatorUrl(t, 'dms'), {
      path: '/api/invoices/generate',
      status: 503,
      count: 2,
    });
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(dmsInvoice()).expect(202);
    const done = await settled(res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(done.history.map((h: { outcome: string }) => h.outcome)).toEqual([
      'failed',
      'failed',
      'succeeded',
    ]);
    expect(done.history[0]).toMatchObject({ httpStatus: 502, code: 'DMS_SERVICE_ERROR' });
  });

  it('ends failed after one attempt on a hard error; replay runs it again, history kept', async () => {
    const body = dmsInvoice({ party: { code: 'UNKNOWN', name: 'Nobody' } });
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(body).expect(202);
    const failed = await settled(res.body.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toMatchObject({
      code: 'upstream_rejected',
      upstream: { code: 'INVALID_DEALER_CODE' },
    });
    expect(failed.links.replay).toBe(`/v1/operations/${res.body.id}/replay`);
    const replayed = await request(t.url).post(failed.links.replay).set(auth).expect(202);
    expect(replayed.headers.location).toBe(`/v1/operations/${res.body.id}`);
    expect(replayed.body.status).toBe('queued');
    const again = await settled(res.body.id);
    expect(again).toMatchObject({ status: 'failed', attempts: 2 });
    expect(again.history.map((h: { attempt: number }) => h.attempt)).toEqual([1, 2]);
  });

  it('ends dead after ASYNC_MAX_ATTEMPTS transient failures; replay succeeds with the history kept; a succeeded operation is not replayed', async () => {
    await injectFault(simulatorUrl(t, 'dms'), { path: '/api/invoices/generate', status: 503 });
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(dmsInvoice()).expect(202);
    const dead = await settled(res.body.id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3 });
    expect(dead.lastError).toMatchObject({ code: 'upstream_unavailable' });
    await clearFaults(simulatorUrl(t, 'dms'));
    await request(t.url).post(`/v1/operations/${res.body.id}/replay`).set(auth).expect(202);
    const done = await settled(res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 4 });
    expect(done.history).toHaveLength(4);
    const conflict = await request(t.url)
      .post(`/v1/operations/${res.body.id}/replay`)
      .set(auth)
      .expect(409);
    expect(conflict.body.code).toBe('conflict');
  });

  it('resolves a dead create by hand: the ledger row with the given ids, succeeded with resolution', async () => {
    await injectFault(simulatorUrl(t, 'delivery-solutions'), {
      path: '/returns/v1/invoices',
      status: 503,
    });
    const body = dsInvoice();
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(body).expect(202);
    expect((await settled(res.body.id)).status).toBe('dead');
    await request(t.url)
      .post(`/v1/operations/${res.body.id}/resolve`)
      .set(auth)
      .send({ note: 'no ids' })
      .expect(400);
    const resolved = await request(t.url)
      .post(`/v1/operations/${res.body.id}/resolve`)
      .set(auth)
      .send({
        note: 'Entered in the portal during the outage',
        providerInvoiceId: 'EINV-MANUAL-1',
        providerDocumentNumber: 'DMS-MANUAL-1',
      })
      .expect(200);
    expect(resolved.body).toMatchObject({
      status: 'succeeded',
      resolution: { note: 'Entered in the portal during the outage' },
      result: { providerInvoiceId: 'EINV-MANUAL-1', reference: body.reference },
    });
    const ledger = await request(t.url)
      .get(`/v1/invoices?provider=delivery-solutions&reference=${body.reference}`)
      .set(auth)
      .expect(200);
    expect(ledger.body.items).toEqual([
      expect.objectContaining({
        providerInvoiceId: 'EINV-MANUAL-1',
        providerDocumentNumber: 'DMS-MANUAL-1',
        operationId: res.body.id,
      }),
    ]);
    await request(t.url)
      .post(`/v1/operations/${res.body.id}/resolve`)
      .set(auth)
      .send({ note: 'twice', providerInvoiceId: 'X' })
      .expect(409);
  });

  it('answers a sync Delivery Solutions create whose first answer was lost with 409 outcome_uncertain, never a duplicate', async () => {
    const ds = simulatorUrl(t, 'delivery-solutions');
    // the upstream stores the invoice, and its answer is lost (the connection dies)
    await loseNextCreateAnswer(ds);
    const body = dsInvoice();
    const key = unique('ds-key');
    const lost = await request(t.url)
      .post('/v1/invoices')
      .set({ ...auth, 'idempotency-key': key })
      .send(body);
    expect(lost.status).toBe(502);
    const retried = await request(t.url)
      .post('/v1/invoices')
      .set({ ...auth, 'idempotency-key': key })
      .send(body)
      .expect(409);
    expect(retried.body).toMatchObject({ code: 'outcome_uncertain' });
    const ledger = await request(t.url)
      .get(`/v1/invoices?provider=delivery-solutions&reference=${body.reference}`)
      .set(auth)
      .expect(200);
    expect(ledger.body.items).toEqual([]);
    const log = await request(ds).get('/__sim/requests').expect(200);
    const creates = log.body.requests.filter(
      (r: { method: string; path: string; body?: { orderExternalId?: string } }) =>
        r.method === 'POST' && r.body?.orderExternalId === body.reference,
    );
    // the first stored the invoice (its 201 never arrived); the second made no other
    expect(creates.map((r: { status?: number }) => r.status)).toEqual([201, 422]);
  });

  it('ends an async Delivery Solutions create failed with outcome_uncertain, and resolve settles it', async () => {
    const ds = simulatorUrl(t, 'delivery-solutions');
    await loseNextCreateAnswer(ds);
    const body = dsInvoice();
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(body).expect(202);
    const failed = await settled(res.body.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed.lastError).toMatchObject({ code: 'outcome_uncertain', status: 409 });
    expect(failed.history[0]).toMatchObject({ outcomeUnknown: true, code: 'ECONNRESET' });
    expect(failed.history[1]).toMatchObject({ httpStatus: 409, code: 'INVALID_DATA' });
    const resolved = await request(t.url)
      .post(`/v1/operations/${res.body.id}/resolve`)
      .set(auth)
      .send({ note: 'found in the portal', providerInvoiceId: 'ds-manual-42' })
      .expect(200);
    expect(resolved.body.result).toMatchObject({ providerInvoiceId: 'ds-manual-42' });
  });

  it('re-sends a status batch that failed as a whole and settles it per item, in input order', async () => {
    await injectFault(simulatorUrl(t, 'gep-smart'), {
      path: '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails',
      status: 503,
      count: 1,
    });
    const item = statusItem;
    const updates = [
      item(unique('INV')),
      item(unique('INV'), { invoiceDate: '2999-01-01T00:00:00.000Z' }),
      item('INVALID-7'),
    ];
    const res = await request(t.url)
      .post('/v1/invoice-status-updates')
      .set(ASYNC)
      .send({ updates })
      .expect(202);
    const done = await settled(res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.result.results.map((r: { key: string }) => r.key)).toEqual(
      updates.map((u) => u.documentNumber),
    );
    expect(
      done.result.results.map((r: { status: string; attempt: number }) => [r.status, r.attempt]),
    ).toEqual([
      ['accepted', 2],
      ['rejected', 1],
      ['rejected', 2],
    ]);
    expect(done.history[1]).toMatchObject({ outcome: 'succeeded', sent: 2 });
  });

  it('posts a signed callback when the operation ends, retried until a 2xx', async () => {
    const receiver = await startCallbackReceiver([500, 200]);
    try {
      const res = await request(t.url)
        .post('/v1/invoices')
        .set(ASYNC)
        .send({ ...dmsInvoice(), callbackUrl: receiver.url })
        .expect(202);
      expect(res.body.callback).toEqual({
        url: receiver.url,
        status: 'pending',
        attempts: 0,
        lastHttpStatus: null,
      });
      const op = await waitFor(
        () => operation(res.body.id),
        (o) => o.callback?.status === 'delivered',
      );
      expect(op.callback).toMatchObject({ status: 'delivered', attempts: 2, lastHttpStatus: 200 });
      expect(receiver.received).toHaveLength(2);
      const [first, second] = receiver.received;
      // Standard Webhooks: the same webhook-id on every attempt, verified with the npm package
      expect(second.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(second.headers['x-gateway-signature']).toBeUndefined();
      const headers = second.headers as Record<string, string>;
      expect(new Webhook(CALLBACK_SECRET).verify(second.body, headers)).toMatchObject({
        type: 'operation.succeeded',
        data: { id: res.body.id, status: 'succeeded' },
      });
      expect(() => new Webhook(generateWebhookSecret()).verify(second.body, headers)).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it.each([
    ['an address off the allow-list', 'https://hooks.example.com/gateway'],
    ['a private address', 'http://10.0.0.7/hook'],
    ['the metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['a non-http scheme', 'ftp://127.0.0.1/hook'],
    ['credentials in the URL', 'http://user:pw@127.0.0.1/hook'],
  ])('refuses a callback to %s at request time (400 naming callbackUrl)', async (_what, url) => {
    const body = { ...dmsInvoice(), callbackUrl: url };
    const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(body).expect(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'callbackUrl' })]);
    const listed = await request(t.url)
      .get(`/v1/operations?reference=${body.reference}`)
      .set(auth)
      .expect(200);
    expect(listed.body.items).toEqual([]);
  });

  it('lists operations newest first with filters and cursor paging', async () => {
    const reference = unique('REQ');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(t.url)
        .post('/v1/invoice-status-updates')
        .set(ASYNC)
        .send({
          updates: [
            {
              documentNumber: reference,
              status: 'ReadyForPayment',
              invoiceDate: '2026-01-15T10:00:00.000Z',
              partnerCode: 'PC-1',
            },
          ],
        })
        .expect(202);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(t.url)
        .get('/v1/operations')
        .query({
          reference,
          kind: 'invoice-status.post',
          provider: 'gep-smart',
          limit: 2,
          ...(cursor ? { cursor } : {}),
        })
        .set(auth)
        .expect(200);
      seen.push(...page.body.items.map((o: { id: string }) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    await request(t.url).get('/v1/operations?cursor=bogus').set(auth).expect(400);
    await request(t.url).get('/v1/operations?limit=201').set(auth).expect(400);
    for (const id of ids) await settled(id);
  });

  it('reports the worker in readiness and the queue in metrics', async () => {
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body.info.worker).toMatchObject({ status: 'up', claiming: true });
    const metrics = await request(t.url).get('/metrics').set(auth).expect(200);
    expect(metrics.text).toMatch(
      /gateway_async_deliveries_total\{provider="dms",outcome="succeeded"\} \d+/,
    );
    expect(metrics.text).toMatch(
      /gateway_async_deliveries_total\{provider="dms",outcome="dead"\} \d+/,
    );
    expect(metrics.text).toMatch(/gateway_async_delivery_attempts_bucket/);
    expect(metrics.text).toMatch(/gateway_callback_deliveries_total\{outcome="retry"\} \d+/);
    expect(metrics.text).toMatch(/# TYPE gateway_queue_depth gauge/);
    expect(metrics.text).toMatch(/# TYPE gateway_queue_oldest_due_seconds gauge/);
  });

  it('leaves no operation of this suite waiting', async () => {
    const open: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM operations WHERE status IN ('queued', 'running') AND delivery = 'async'`,
    );
    expect(open[0].n).toBe(0);
  });
});
