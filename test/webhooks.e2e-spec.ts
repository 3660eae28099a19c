import request from 'supertest';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../src/common/webhooks/standard-webhooks';
import { auth, clearFaults, dmsInvoice, injectFault, simulatorUrl } from './support/api';
import { startCallbackReceiver, waitFor } from './support/callback-receiver';
import { createClient } from './support/clients';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { EventsRepository } from '../src/database/repositories/events.repository';

const ASYNC = { ...auth, prefer: 'respond-async' };

type Receiver = Awaited<ReturnType<typeof startCallbackReceiver>>;

/**
 * Events and webhook endpoints (docs/webhooks.md) through real HTTP: the outbox written in the
 * settle's transaction (both directions, with a failure forced at commit), subscriptions,
 * Standard Webhooks signatures checked with the `standardwebhooks` package on every delivery,
 * rotation, retries with one webhook-id, client isolation and URL refusals.
 */
jest.setTimeout(90_000);

/** Waits long enough for a loaded machine (two suites and other work sharing two cores). */
const waitLong = <T>(read: () => Promise<T>, done: (value: T) => boolean) =>
  waitFor(read, done, 30_000);

describe('events and webhooks (e2e)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({
      ASYNC_RETRY_BASE_MS: '20',
      ASYNC_RETRY_MAX_DELAY_MS: '50',
      ASYNC_MAX_ATTEMPTS: '2',
      DMS_RETRY_MAX_ATTEMPTS: '1',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOW_HTTP: 'true',
      CALLBACK_SECRET: generateWebhookSecret(),
      WEBHOOK_RETRY_SCHEDULE_MS: '100,100,100',
      WEBHOOK_MAX_ATTEMPTS: '6',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(async () => {
    await clearFaults(simulatorUrl(t, 'dms'));
  });

  const createEndpoint = async (
    url: string,
    eventTypes: string[] = [],
    headers: Record<string, string> = auth,
  ) => {
    const res = await request(t.url)
      .post('/v1/webhook-endpoints')
      .set(headers)
      .send({ url, eventTypes })
      .expect(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    return res.body as { id: string; secret: string };
  };
  const removeEndpoint = (id: string, headers: Record<string, string> = auth) =>
    request(t.url).delete(`/v1/webhook-endpoints/${id}`).set(headers).expect(204);
  const verified = (secret: string, received: Receiver['received']) =>
    received.map(
      (r) =>
        new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          timestamp: string;
          data: Record<string, unknown>;
        },
    );
  const settled = (id: string) =>
    waitLong(
      async () => (await request(t.url).get(`/v1/operations/${id}`).set(auth)).body,
      (op) => ['succeeded', 'failed', 'dead'].includes(op.status),
    );

  it('delivers exactly the subscribed types, each signed so that the standardwebhooks package verifies it', async () => {
    const receiver = await startCallbackReceiver([200]);
    const endpoint = await createEndpoint(receiver.url, ['invoice.created', 'operation.dead']);
    try {
      const created = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice());
      expect(created.status).toBe(201);
      await injectFault(simulatorUrl(t, 'dms'), { path: '/api/invoices/generate', status: 503 });
      const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(dmsInvoice());
      expect(res.status).toBe(202);
      expect((await settled(res.body.id)).status).toBe('dead');
      await waitLong(
        async () => receiver.received.length,
        (n) => n >= 2,
      );
      const messages = verified(endpoint.secret, receiver.received);
      expect(messages.map((m) => m.type).sort()).toEqual(['invoice.created', 'operation.dead']);
      const invoice = messages.find((m) => m.type === 'invoice.created')!;
      expect(invoice.data).toMatchObject({
        id: created.body.id,
        reference: created.body.reference,
      });
      const dead = messages.find((m) => m.type === 'operation.dead')!;
      expect(dead.data).toMatchObject({ id: res.body.id, status: 'dead', kind: 'invoice.create' });
      for (const r of receiver.received) {
        expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
        expect(r.headers['x-gateway-signature']).toBeUndefined();
      }
      // a wrong secret does not verify
      expect(() => verified(generateWebhookSecret(), receiver.received)).toThrow();
      // nothing else arrives (operation.succeeded, operation.failed ... are not subscribed)
      await new Promise((r) => setTimeout(r, 700));
      expect(receiver.received).toHaveLength(2);
    } finally {
      await removeEndpoint(endpoint.id);
      await receiver.close();
    }
  });

  it('lists events with type and since filters and cursor paging', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const created = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice());
    expect(created.status).toBe(201);
    const page = await request(t.url)
      .get('/v1/events')
      .query({ type: 'invoice.created', since, limit: 200 })
      .set(auth)
      .expect(200);
    const mine = page.body.items.filter((e: { subject: string }) => e.subject === created.body.id);
    expect(mine).toEqual([
      expect.objectContaining({
        type: 'invoice.created',
        provider: 'dms',
        connection: 'dms',
        data: expect.objectContaining({ id: created.body.id }),
      }),
    ]);
    const first = await request(t.url).get('/v1/events').query({ limit: 1 }).set(auth).expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(t.url)
      .get('/v1/events')
      .query({ limit: 1, cursor: first.body.nextCursor })
      .set(auth)
      .expect(200);
    expect(second.body.items[0].id > first.body.items[0].id).toBe(true);
    const bad = await request(t.url).get('/v1/events').query({ cursor: 'nope' }).set(auth);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  it('writes an event exactly when its change commits: a failure forced at COMMIT leaves neither', async () => {
    // a deferred constraint trigger fails the settle's COMMIT for one reference only
    await db.query(`CREATE OR REPLACE FUNCTION test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.reference LIKE 'FAILCOMMIT-%' THEN RAISE EXCEPTION 'forced failure at commit'; END IF; RETURN NULL; END $$`);
    await db.query(`DROP TRIGGER IF EXISTS test_fail_commit ON invoices`);
    await db.query(`CREATE CONSTRAINT TRIGGER test_fail_commit AFTER INSERT ON invoices
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_commit()`);
    try {
      const failing = dmsInvoice({ reference: `FAILCOMMIT-${Date.now()}` });
      const res = await request(t.url).post('/v1/invoices').set(ASYNC).send(failing).expect(202);
      const op = await settled(res.body.id);
      expect(op.status).not.toBe('succeeded');
      const [invoices] = await db.query(
        `SELECT count(*)::int AS n FROM invoices WHERE reference = $1`,
        [failing.reference],
      );
      expect(invoices.n).toBe(0);
      const events = await db.query(
        `SELECT type FROM events WHERE subject = $1 OR data ->> 'reference' = $2`,
        [res.body.id, failing.reference],
      );
      const types = events.map((e: { type: string }) => e.type);
      expect(types).not.toContain('invoice.created');
      expect(types).not.toContain('operation.succeeded');

      // the other direction: a committed create has its events, in the same commit
      const ok = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201);
      const [row] = await db.query(
        `SELECT (SELECT count(*)::int FROM events WHERE type = 'invoice.created' AND subject = $1) AS created,
                (SELECT count(*)::int FROM events WHERE type = 'operation.succeeded' AND subject = $2::text) AS succeeded`,
        [ok.body.id, ok.body.operationId],
      );
      expect(row).toEqual({ created: 1, succeeded: 1 });
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS test_fail_commit ON invoices`);
      await db.query(`DROP FUNCTION IF EXISTS test_fail_commit()`);
    }
  });

  it('retries a failing receiver with the same webhook-id; the deliveries list shows every attempt', async () => {
    const receiver = await startCallbackReceiver([500, 500, 500, 200]);
    const endpoint = await createEndpoint(receiver.url, ['webhook.test']);
    try {
      await request(t.url).post(`/v1/webhook-endpoints/${endpoint.id}/test`).set(auth).expect(202);
      await waitLong(
        async () => receiver.received.length,
        (n) => n >= 4,
      );
      const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      expect(verified(endpoint.secret, receiver.received).map((m) => m.type)).toEqual(
        Array(4).fill('webhook.test'),
      );
      const list = await waitLong(
        async () =>
          (await request(t.url).get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`).set(auth))
            .body,
        (body) => body.items?.[0]?.status === 'delivered',
      );
      expect(list.items).toHaveLength(1);
      const [delivery] = list.items;
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 4, lastHttpStatus: 200 });
      expect(delivery.eventId).toBe([...ids][0]);
      expect(delivery.attemptLog.map((a: { httpStatus: number }) => a.httpStatus)).toEqual([
        500, 500, 500, 200,
      ]);
      // a manual retry sends it at once again, with the same id
      await request(t.url)
        .post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery.id}/retry`)
        .set(auth)
        .expect(202);
      await waitLong(
        async () => receiver.received.length,
        (n) => n >= 5,
      );
      expect(receiver.received[4].headers['webhook-id']).toBe(delivery.eventId);
    } finally {
      await removeEndpoint(endpoint.id);
      await receiver.close();
    }
  });

  it('after rotate-secret signs with the new and the old secret (each verifies alone)', async () => {
    const receiver = await startCallbackReceiver([200]);
    const endpoint = await createEndpoint(receiver.url, ['webhook.test']);
    try {
      const rotated = await request(t.url)
        .post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`)
        .set(auth)
        .expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(endpoint.secret);
      expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(
        23 * 3_600_000,
      );
      await request(t.url).post(`/v1/webhook-endpoints/${endpoint.id}/test`).set(auth).expect(202);
      await waitLong(
        async () => receiver.received.length,
        (n) => n >= 1,
      );
      expect(String(receiver.received[0].headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verified(rotated.body.secret, receiver.received)[0].type).toBe('webhook.test');
      expect(verified(endpoint.secret, receiver.received)[0].type).toBe('webhook.test');
      // the secret is never shown again
      const got = await request(t.url)
        .get(`/v1/webhook-endpoints/${endpoint.id}`)
        .set(auth)
        .expect(200);
      expect(got.body.secret).toBeUndefined();
      expect(JSON.stringify(got.body)).not.toContain('whsec_');
    } finally {
      await removeEndpoint(endpoint.id);
      await receiver.close();
    }
  });

  it("never gives a client another client's events or endpoints", async () => {
    const url = process.env.DATABASE_URL!;
    const scopes = 'webhooks:manage,invoices:write,operations:read';
    const a = bearer((await createClient(url, scopes, 'hooks-a')).key);
    const b = bearer((await createClient(url, scopes, 'hooks-b')).key);
    const receiverA = await startCallbackReceiver([200]);
    const receiverB = await startCallbackReceiver([200]);
    const endpointA = await createEndpoint(receiverA.url, ['invoice.created'], a);
    const endpointB = await createEndpoint(receiverB.url, ['invoice.created'], b);
    try {
      const byA = await request(t.url).post('/v1/invoices').set(a).send(dmsInvoice()).expect(201);
      const byB = await request(t.url).post('/v1/invoices').set(b).send(dmsInvoice()).expect(201);
      await waitLong(
        async () => receiverA.received.length + receiverB.received.length,
        (n) => n >= 2,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(verified(endpointA.secret, receiverA.received).map((m) => m.data.id)).toEqual([
        byA.body.id,
      ]);
      expect(verified(endpointB.secret, receiverB.received).map((m) => m.data.id)).toEqual([
        byB.body.id,
      ]);
      const eventsOfA = await request(t.url).get('/v1/events').query({ limit: 200 }).set(a);
      expect(eventsOfA.status).toBe(200);
      const subjects = eventsOfA.body.items.map((e: { subject: string }) => e.subject);
      expect(subjects).toContain(byA.body.id);
      expect(subjects).not.toContain(byB.body.id);
      await request(t.url).get(`/v1/webhook-endpoints/${endpointB.id}`).set(a).expect(404);
      await request(t.url).delete(`/v1/webhook-endpoints/${endpointB.id}`).set(a).expect(404);
      const listA = await request(t.url).get('/v1/webhook-endpoints').set(a).expect(200);
      expect(listA.body.items.map((e: { id: string }) => e.id)).toEqual([endpointA.id]);
    } finally {
      await removeEndpoint(endpointA.id, a);
      await removeEndpoint(endpointB.id, b);
      await receiverA.close();
      await receiverB.close();
    }
  });

  it.each([
    ['a private address', 'http://10.0.0.7/hook'],
    ['a loopback address off the list', 'http://127.0.0.2/hook'],
    ['the metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['a host off the allow-list', 'https://hooks.example.com/gateway'],
    ['a non-http scheme', 'ftp://127.0.0.1/hook'],
    ['not a URL', 'not a url'],
  ])('refuses an endpoint URL on %s: 400 naming url', async (_what, url) => {
    const res = await request(t.url).post('/v1/webhook-endpoints').set(auth).send({ url });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'url' })]);
  });

  it('updates, disables and enables an endpoint; refuses a bad patch naming the field', async () => {
    const endpoint = await createEndpoint('http://127.0.0.1:9/hook');
    try {
      const off = await request(t.url)
        .patch(`/v1/webhook-endpoints/${endpoint.id}`)
        .set(auth)
        .send({ disabled: true, eventTypes: ['operation.failed'], description: 'paused' })
        .expect(200);
      expect(off.body).toMatchObject({
        disabled: true,
        disabledReason: 'disabled by its owner',
        eventTypes: ['operation.failed'],
        description: 'paused',
      });
      const on = await request(t.url)
        .patch(`/v1/webhook-endpoints/${endpoint.id}`)
        .set(auth)
        .send({ disabled: false })
        .expect(200);
      expect(on.body).toMatchObject({ disabled: false, disabledReason: null });
      const bad = await request(t.url)
        .patch(`/v1/webhook-endpoints/${endpoint.id}`)
        .set(auth)
        .send({ url: 'http://192.168.1.1/x' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'url' })]);
      const types = await request(t.url)
        .patch(`/v1/webhook-endpoints/${endpoint.id}`)
        .set(auth)
        .send({ eventTypes: ['invoice.exploded'] });
      expect(types.status).toBe(400);
      expect(types.body.errors[0].path).toMatch(/^eventTypes/);
      await request(t.url).get('/v1/webhook-endpoints/ep_nope').set(auth).expect(400);
    } finally {
      await removeEndpoint(endpoint.id);
    }
    await request(t.url).get(`/v1/webhook-endpoints/${endpoint.id}`).set(auth).expect(404);
  });

  it('disables an endpoint whose deliveries have all failed for WEBHOOK_DISABLE_AFTER_HOURS, and says so', async () => {
    const receiver = await startCallbackReceiver([500]);
    const endpoint = await createEndpoint(receiver.url, ['webhook.test']);
    try {
      // failing for 121 hours already (the default limit is 120)
      await db.query(
        `UPDATE webhook_endpoints SET failing_since = now() - interval '121 hours' WHERE id = $1`,
        [endpoint.id],
      );
      await request(t.url).post(`/v1/webhook-endpoints/${endpoint.id}/test`).set(auth).expect(202);
      const disabled = await waitLong(
        async () =>
          (await request(t.url).get(`/v1/webhook-endpoints/${endpoint.id}`).set(auth)).body,
        (body) => body.disabled === true,
      );
      expect(disabled.disabledReason).toMatch(/every delivery failed for 120 hours/);
      const attempts = receiver.received.length;
      await new Promise((r) => setTimeout(r, 600));
      // no more attempts while disabled
      expect(receiver.received).toHaveLength(attempts);
    } finally {
      await removeEndpoint(endpoint.id);
      await receiver.close();
    }
  });

  it('retention deletes events older than EVENTS_RETENTION_DAYS with their deliveries, and keeps the rest', async () => {
    const receiver = await startCallbackReceiver([500]);
    const endpoint = (
      await request(t.url)
        .post('/v1/webhook-endpoints')
        .set(auth)
        .send({ url: receiver.url, eventTypes: ['invoice.created'] })
        .expect(201)
    ).body;
    try {
      const invoice = (
        await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201)
      ).body;
      const [made] = await db.query(
        `SELECT id FROM events WHERE type = 'invoice.created' AND subject = $1`,
        [invoice.id],
      );
      // the event is made 31 days old; another recent one stays
      await db.query(`UPDATE events SET occurred_at = now() - interval '31 days' WHERE id = $1`, [
        made.id,
      ]);
      const recent = (
        await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201)
      ).body;
      const [before] = await db.query(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = $1`,
        [made.id],
      );
      expect(before.n).toBe(1);
      const repo = t.app.get(EventsRepository);
      let deleted = 0;
      for (
        let n = await repo.deleteOlderThan(30, 50);
        n > 0;
        n = await repo.deleteOlderThan(30, 50)
      ) {
        deleted += n;
      }
      expect(deleted).toBeGreaterThanOrEqual(1);
      const [left] = await db.query(
        `SELECT (SELECT count(*)::int FROM events WHERE id = $1) AS old,
                (SELECT count(*)::int FROM webhook_deliveries WHERE event_id = $1) AS deliveries,
                (SELECT count(*)::int FROM events WHERE subject = $2) AS recent`,
        [made.id, recent.id],
      );
      expect(left).toEqual({ old: 0, deliveries: 0, recent: expect.any(Number) });
      expect(left.recent).toBeGreaterThanOrEqual(1);
    } finally {
      await request(t.url).delete(`/v1/webhook-endpoints/${endpoint.id}`).set(auth).expect(204);
      await receiver.close();
    }
  });
});
