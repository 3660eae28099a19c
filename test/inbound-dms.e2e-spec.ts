import { createHmac } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../src/common/webhooks/standard-webhooks';
import { auth, dmsInvoice, simulatorUrl } from './support/api';
import { startCallbackReceiver, waitFor } from './support/callback-receiver';
import { startTestApp, type TestApp } from './support/test-app';
import { KeyRing } from '../src/connections/key-ring';

const DMS_WEBHOOK_SECRET = 'dms-webhook-secret-0123456789abcdef';

/**
 * Inbound DMS status webhooks (docs/webhooks.md#inbound-dms-status-webhooks), sent by the DMS
 * simulator through its `/__sim/webhooks/send` route to the gateway: signature schemes, the
 * ledger update with its event, unmatched deliveries, duplicates, refusals.
 */
jest.setTimeout(90_000);

/** Waits long enough for a loaded machine (two suites and other work sharing two cores). */
const waitLong = <T>(read: () => Promise<T>, done: (value: T) => boolean) =>
  waitFor(read, done, 30_000);

describe('inbound DMS webhooks (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const inboundUrl = () => `${t.url}/v1/inbound/dms/dms`;
  const send = async (payload: object, extra: Record<string, unknown> = {}) =>
    (
      await request(simulatorUrl(t, 'dms'))
        .post('/__sim/webhooks/send')
        .send({ url: inboundUrl(), payload, ...extra })
        .expect(200)
    ).body as { status: number; webhookId: string; body: Record<string, unknown> };

  beforeAll(async () => {
    t = await startTestApp({
      DMS_WEBHOOK_SECRET,
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOW_HTTP: 'true',
      CALLBACK_SECRET: generateWebhookSecret(),
      WEBHOOK_RETRY_SCHEDULE_MS: '100',
      CONNECTIONS_ENCRYPTION_KEYS: KeyRing.generateEntry('k1'),
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    if (db) await db.query(`DELETE FROM connections WHERE name = 'dms-inbound-uat'`);
    await t?.close();
  });

  it('applies a signed status change to the invoice (status, statusHistory) and emits document.status_changed', async () => {
    const receiver = await startCallbackReceiver([200]);
    const endpoint = (
      await request(t.url)
        .post('/v1/webhook-endpoints')
        .set(auth)
        .send({ url: receiver.url, eventTypes: ['document.status_changed'] })
        .expect(201)
    ).body;
    try {
      const invoice = (
        await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201)
      ).body;
      const sent = await send({
        event: 'invoice.status_changed',
        e_invoice_number: invoice.providerInvoiceId,
        status: 'APPROVED',
        status_date: '2026-01-06T09:15:00Z',
        remarks: 'Approved by finance',
        extra_field: { kept: true },
      });
      expect(sent.status).toBe(200);
      expect(sent.body).toMatchObject({
        matched: true,
        duplicate: false,
        documentKind: 'invoice',
        documentId: invoice.id,
        status: 'APPROVED',
        signatureScheme: 'standard-webhooks',
        body: expect.objectContaining({ extra_field: { kept: true } }),
      });
      const after = (await request(t.url).get(`/v1/invoices/${invoice.id}`).set(auth).expect(200))
        .body;
      expect(after.status).toBe('APPROVED');
      expect(after.statusHistory).toEqual([
        expect.objectContaining({
          status: 'APPROVED',
          at: '2026-01-06T09:15:00.000Z',
          source: 'dms-webhook',
          remarks: 'Approved by finance',
        }),
      ]);
      await waitLong(
        async () => receiver.received.length,
        (n) => n >= 1,
      );
      const message = new Webhook(endpoint.secret).verify(
        receiver.received[0].body,
        receiver.received[0].headers as Record<string, string>,
      );
      expect(message).toMatchObject({
        type: 'document.status_changed',
        data: {
          documentKind: 'invoice',
          documentId: invoice.id,
          status: 'APPROVED',
          previousStatus: invoice.status,
        },
      });

      // the same delivery again (same webhook-id) changes nothing
      const again = await send(
        { e_invoice_number: invoice.providerInvoiceId, status: 'REJECTED' },
        { webhookId: sent.webhookId },
      );
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ duplicate: true, status: 'APPROVED' });
      const still = (await request(t.url).get(`/v1/invoices/${invoice.id}`).set(auth)).body;
      expect(still.status).toBe('APPROVED');
      expect(still.statusHistory).toHaveLength(1);
      const [events] = await db.query(
        `SELECT count(*)::int AS n FROM events WHERE type = 'document.status_changed' AND subject = $1`,
        [invoice.id],
      );
      expect(events.n).toBe(1);

      // the document's timeline has the change once, after the create, and its last status
      const found = (
        await request(t.url)
          .get('/v1/documents')
          .query({ q: invoice.reference, provider: 'dms' })
          .set(auth)
          .expect(200)
      ).body;
      expect(found.items).toHaveLength(1);
      expect(found.items[0]).toMatchObject({ kind: 'invoice', lastStatus: 'APPROVED' });
      const timeline = (
        await request(t.url)
          .get(`/v1/documents/${found.items[0].id}/timeline`)
          .set(auth)
          .expect(200)
      ).body;
      expect(timeline.changes.map((c: { change: string }) => c.change)).toEqual([
        'created',
        'status_changed',
      ]);
      expect(timeline.changes[1]).toMatchObject({
        inboundId: sent.body.id,
        summary: expect.stringContaining('APPROVED'),
      });
    } finally {
      await request(t.url).delete(`/v1/webhook-endpoints/${endpoint.id}`).set(auth).expect(204);
      await receiver.close();
    }
  });

  it('accepts X-DMS-Signature, matches a credit note, and ignores an exact repeat', async () => {
    const invoice = (
      await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201)
    ).body;
    const note = (
      await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send({
          invoiceId: invoice.id,
          reference: `CN-${invoice.reference}`,
          party: { code: 'DLR001', name: 'ABC Motors' },
          amount: 100,
          reason: 'Claim settlement',
        })
        .expect(201)
    ).body;
    const payload = { credit_note_number: note.providerCreditNoteId, status: 'CANCELLED' };
    const first = await send(payload, { scheme: 'dms' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      matched: true,
      documentKind: 'credit_note',
      documentId: note.id,
      signatureScheme: 'x-dms-signature',
    });
    const second = await send(payload, { scheme: 'dms' });
    expect(second.body).toMatchObject({ duplicate: true, id: first.body.id });
    const after = (await request(t.url).get(`/v1/credit-notes/${note.id}`).set(auth).expect(200))
      .body;
    expect(after.status).toBe('CANCELLED');
    expect(after.statusHistory).toHaveLength(1);
  });

  it('keeps an unknown document unmatched (202) and lists it at GET /v1/inbound?matched=false', async () => {
    const sent = await send({ e_invoice_number: 'EINV-NOBODY-1', status: 'APPROVED' });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ matched: false, documentId: null });
    const list = await request(t.url)
      .get('/v1/inbound')
      .query({ matched: 'false', limit: 200 })
      .set(auth)
      .expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(sent.body.id);
    expect(list.body.items.every((i: { matched: boolean }) => !i.matched)).toBe(true);
  });

  it('refuses a wrong or missing signature with 401 and keeps nothing; every call is audited', async () => {
    const body = JSON.stringify({ e_invoice_number: 'EINV-WRONG-SIG', status: 'APPROVED' });
    const wrong = await request(t.url)
      .post('/v1/inbound/dms/dms')
      .set('content-type', 'application/json')
      .set(
        'x-dms-signature',
        `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`,
      )
      .send(body);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    const missing = await request(t.url)
      .post('/v1/inbound/dms/dms')
      .set('content-type', 'application/json')
      .send(body);
    expect(missing.status).toBe(401);
    const badStandard = await send(
      { e_invoice_number: 'EINV-WRONG-SIG', status: 'APPROVED' },
      { secret: 'some-other-secret' },
    );
    expect(badStandard.status).toBe(401);
    const [kept] = await db.query(
      `SELECT count(*)::int AS n FROM inbound_webhooks WHERE identifiers ->> 'eInvoiceNumber' = 'EINV-WRONG-SIG'`,
    );
    expect(kept.n).toBe(0);
    await request(t.url)
      .post('/v1/inbound/dms/elsewhere')
      .set('content-type', 'application/json')
      .send(body)
      .expect(404);
    await t.flushAudit();
    const [audited] = await db.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE path LIKE '/v1/inbound/dms/%' AND status = 401`,
    );
    expect(audited.n).toBeGreaterThanOrEqual(3);
  });

  it('names status when the body has none (400)', async () => {
    const sent = await send({ e_invoice_number: 'EINV-X' });
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({ errors: [expect.objectContaining({ path: 'status' })] });
  });
  it("authenticates a stored DMS connection's webhooks with its own secrets.webhookSecret", async () => {
    const secret = 'uat-webhook-secret-9876543210fedcba';
    await request(t.url)
      .post('/v1/connections')
      .set(auth)
      .send({
        name: 'dms-inbound-uat',
        provider: 'dms',
        settings: { mock: true },
        secrets: { webhookSecret: secret },
      })
      .expect(201);
    const invoice = (
      await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send({ ...dmsInvoice(), connection: 'dms-inbound-uat' })
        .expect(201)
    ).body;
    const to = `${t.url}/v1/inbound/dms/dms-inbound-uat`;
    const payload = { e_invoice_number: invoice.providerInvoiceId, status: 'PAID' };
    // the env connection's secret does not open the stored connection's route
    const wrong = (
      await request(simulatorUrl(t, 'dms'))
        .post('/__sim/webhooks/send')
        .send({ url: to, payload, scheme: 'dms', secret: DMS_WEBHOOK_SECRET })
        .expect(200)
    ).body;
    expect(wrong.status).toBe(401);
    const right = (
      await request(simulatorUrl(t, 'dms'))
        .post('/__sim/webhooks/send')
        .send({ url: to, payload, scheme: 'dms', secret })
        .expect(200)
    ).body;
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({
      connection: 'dms-inbound-uat',
      matched: true,
      documentId: invoice.id,
      status: 'PAID',
    });
    // the events and the document name the connection the calls went through
    const events = await db.query(
      `SELECT type, connection FROM events WHERE subject = $1 ORDER BY id`,
      [invoice.id],
    );
    expect(events).toEqual([
      { type: 'invoice.created', connection: 'dms-inbound-uat' },
      { type: 'document.status_changed', connection: 'dms-inbound-uat' },
    ]);
    const documents = (
      await request(t.url).get('/v1/documents').query({ q: invoice.reference }).set(auth)
    ).body;
    expect(documents.items).toEqual([
      expect.objectContaining({ connection: 'dms-inbound-uat', lastStatus: 'PAID' }),
    ]);
    // a name that is no DMS connection is 404
    const other = (
      await request(simulatorUrl(t, 'dms'))
        .post('/__sim/webhooks/send')
        .send({ url: `${t.url}/v1/inbound/dms/gep-smart`, payload, scheme: 'dms', secret })
        .expect(200)
    ).body;
    expect(other.status).toBe(404);
  });
});
