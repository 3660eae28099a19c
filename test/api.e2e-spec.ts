import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TestApp, startTestApp } from './support/test-app';
import {
  auditRows,
  auth,
  clearFaults,
  dmsInvoice,
  dsInvoice,
  injectFault,
  simulatorUrl,
  unique,
} from './support/api';

const problemType = /^application\/problem\+json/;

/** The unified API end to end in mock mode: real HTTP in, real clients against the simulators. */
describe('unified API (e2e, mock mode)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DMS_RETRY_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('invoices', () => {
    it('creates a DMS invoice (spec example), returns it again for the same content and 409 for other content', async () => {
      const body = dmsInvoice();
      const created = await request(t.url).post('/v1/invoices').set(auth).send(body).expect(201);
      expect(created.body).toMatchObject({
        provider: 'dms',
        reference: body.reference,
        status: expect.any(String),
        providerInvoiceId: expect.stringMatching(/\S/),
        providerDocumentNumber: expect.stringMatching(/\S/),
        amount: 150000,
        currency: 'INR',
        party: { code: 'DLR001', name: 'ABC Motors' },
        mock: true,
        operationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(Date.parse(created.body.issuedAt)).not.toBeNaN();

      const again = await request(t.url).post('/v1/invoices').set(auth).send(body).expect(200);
      expect(again.body.id).toBe(created.body.id);

      const conflict = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send({ ...body, amount: 1 })
        .expect(409);
      expect(conflict.headers['content-type']).toMatch(problemType);
      expect(conflict.body.code).toBe('conflict');

      const got = await request(t.url).get(`/v1/invoices/${created.body.id}`).set(auth).expect(200);
      expect(got.body).toEqual(created.body);
      const listed = await request(t.url)
        .get(`/v1/invoices?provider=dms&reference=${body.reference}`)
        .set(auth)
        .expect(200);
      expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
      await request(t.url).get(`/v1/invoices/${randomUUID()}`).set(auth).expect(404);
      const badId = await request(t.url).get('/v1/invoices/not-a-uuid').set(auth).expect(400);
      expect(badId.body.errors).toEqual([
        { path: 'id', code: 'isUuid', message: 'id must be a UUID' },
      ]);
    });

    it('names the per-provider required fields: DMS party.code, Delivery Solutions brand', async () => {
      const dms = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ party: { name: 'ABC Motors' } }))
        .expect(400);
      expect(dms.body.code).toBe('validation_failed');
      expect(dms.body.errors.map((e: { path: string }) => e.path)).toContain('party.code');

      const ds = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dsInvoice({ brand: undefined }))
        .expect(400);
      expect(ds.body.errors.map((e: { path: string }) => e.path)).toContain('brand');
    });

    it('checks documented rules locally: tax total, currency, lines, country, phone, time zone', async () => {
      const dms = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ taxes: { cgst: 9, sgst: 9, igst: 0, total: 20 }, amount: 10.123 }))
        .expect(400);
      const dmsPaths = dms.body.errors.map((e: { path: string }) => e.path);
      expect(dmsPaths).toEqual(expect.arrayContaining(['amount']));

      const dmsTax = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ taxes: { cgst: 9, sgst: 9, igst: 0, total: 20 } }))
        .expect(400);
      expect(dmsTax.body.errors.map((e: { path: string }) => e.path)).toContain('taxes.total');

      const ds = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(
          dsInvoice({
            timeZone: 'Mars/Olympus',
            party: { name: 'x', phone: '555-0100' },
            shipTo: { street1: 'a', city: 'b', state: 'c', postalCode: 'd', countryCode: 'FR' },
            lines: [
              { quantity: 0, price: -1, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
            ],
          }),
        )
        .expect(400);
      expect(ds.body.errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining([
          'timeZone',
          'party.phone',
          'shipTo.countryCode',
          'lines[0].quantity',
          'lines[0].price',
          'lines[0].tags',
        ]),
      );
    });

    it('keeps the upstream code of a hard upstream error', async () => {
      const dealer = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ party: { code: 'DLR999', name: 'Nobody' } }))
        .expect(422);
      expect(dealer.headers['content-type']).toMatch(problemType);
      expect(dealer.body).toMatchObject({
        code: 'upstream_rejected',
        upstream: { provider: 'dms', code: 'INVALID_DEALER_CODE', transient: false },
      });

      const io = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ internalOrderNumber: 'IO-9999-404' }))
        .expect(422);
      expect(io.body.upstream.code).toBe('IO_NOT_FOUND');
    });

    it('creates and updates a Delivery Solutions invoice; DMS cannot be updated', async () => {
      const created = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dsInvoice())
        .expect(201);
      expect(created.body).toMatchObject({
        provider: 'delivery-solutions',
        mock: true,
        providerInvoiceId: expect.stringMatching(/\S/),
      });
      const updated = await request(t.url)
        .patch(`/v1/invoices/${created.body.id}`)
        .set(auth)
        .send({ amount: 50, order: { status: 'RETURNED' } })
        .expect(200);
      expect(updated.body).toMatchObject({ id: created.body.id, amount: 50 });
      // either half of the upstream's order block alone still makes a valid update
      await request(t.url)
        .patch(`/v1/invoices/${created.body.id}`)
        .set(auth)
        .send({ amount: 60 })
        .expect(200);
      await request(t.url)
        .patch(`/v1/invoices/${created.body.id}`)
        .set(auth)
        .send({ order: { status: 'DELIVERED' } })
        .expect(200);

      const dms = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice())
        .expect(201);
      const refused = await request(t.url)
        .patch(`/v1/invoices/${dms.body.id}`)
        .set(auth)
        .send({ amount: 1 })
        .expect(422);
      expect(refused.body.code).toBe('unsupported_operation');
      expect(refused.body.detail).toContain('delivery-solutions');
    });

    it("passes Delivery Solutions' warnings to the caller, create and update", async () => {
      const warnings = [
        { code: 'ADDRESS_UNVERIFIED', message: expect.stringContaining('could not be verified') },
      ];
      const created = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dsInvoice({ reference: unique('SIM-WARN') }))
        .expect(201);
      expect(created.body.warnings).toEqual(warnings);
      const updated = await request(t.url)
        .patch(`/v1/invoices/${created.body.id}`)
        .set(auth)
        .send({ amount: 50 })
        .expect(200);
      expect(updated.body.warnings).toEqual(warnings);
      const plain = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dsInvoice())
        .expect(201);
      expect(plain.body).not.toHaveProperty('warnings');
    });

    it('answers identical creates that arrive together with one upstream document', async () => {
      const body = dsInvoice();
      const answers = await Promise.all(
        [0, 1, 2, 3].map(() => request(t.url).post('/v1/invoices').set(auth).send(body)),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    });

    it('treats null fields as absent and refuses amounts the ledger cannot hold', async () => {
      await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ taxes: null, internalOrderNumber: null }))
        .expect(201);
      const huge = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ amount: 1e15 }))
        .expect(400);
      expect(huge.body.errors.map((e: { path: string }) => e.path)).toEqual(['amount']);
    });

    it('answers unsupported_operation naming the providers that can', async () => {
      const res = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send({ ...dmsInvoice(), provider: 'gep-smart' })
        .expect(422);
      expect(res.body.code).toBe('unsupported_operation');
      expect(res.body.detail).toMatch(/dms, delivery-solutions/);
    });
  });

  describe('credit notes', () => {
    async function invoice(overrides: Record<string, unknown> = {}) {
      const res = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice({ amount: 1000, ...overrides }))
        .expect(201);
      return res.body as { id: string; providerInvoiceId: string; reference: string };
    }
    const note = (
      inv: { id: string; reference: string },
      overrides: Record<string, unknown> = {},
    ) => ({
      invoiceId: inv.id,
      reference: inv.reference,
      party: { code: 'DLR001', name: 'ABC Motors' },
      amount: 1000,
      reason: 'Claim settlement',
      ...overrides,
    });

    it('creates a credit note for a DMS invoice; an identical repeat returns it, another one is 409 CREDIT_NOTE_EXISTS', async () => {
      const inv = await invoice();
      const created = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv))
        .expect(201);
      expect(created.body).toMatchObject({
        provider: 'dms',
        invoiceId: inv.id,
        providerInvoiceId: inv.providerInvoiceId,
        providerCreditNoteId: expect.stringMatching(/\S/),
        amount: 1000,
        mock: true,
      });
      const again = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv))
        .expect(200);
      expect(again.body.id).toBe(created.body.id);
      const other = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv, { amount: 10 }))
        .expect(409);
      expect(other.body.errors[0].code).toBe('CREDIT_NOTE_EXISTS');
      await request(t.url).get(`/v1/credit-notes/${created.body.id}`).set(auth).expect(200);
    });

    it('checks the invoice before any upstream call: unknown, other dealer, amount above', async () => {
      const inv = await invoice();
      const unknown = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note({ ...inv, id: randomUUID() }))
        .expect(422);
      expect(unknown.body).toMatchObject({
        code: 'business_rule_violated',
        errors: [{ code: 'INVOICE_NOT_FOUND' }],
      });

      const dealer = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv, { party: { code: 'DLR002', name: 'Other' } }))
        .expect(422);
      expect(dealer.body.errors.map((e: { code: string }) => e.code)).toEqual(['DEALER_MISMATCH']);

      const dealerName = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv, { party: { code: 'DLR001', name: 'Other Motors' } }))
        .expect(422);
      expect(dealerName.body).toMatchObject({
        code: 'business_rule_violated',
        errors: [{ path: 'party.name', code: 'DEALER_MISMATCH' }],
      });

      const amount = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv, { amount: 1000.01 }))
        .expect(422);
      expect(amount.body.errors.map((e: { code: string }) => e.code)).toEqual(['INVALID_AMOUNT']);
    });

    it('keeps the amount DMS issued in the ledger and flags another than asked as a warning', async () => {
      const inv = await invoice();
      const created = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(inv, { reason: 'SIM-DMS-PARTIAL return' }))
        .expect(201);
      const warnings = [{ code: 'amount_mismatch', message: expect.stringContaining('500') }];
      expect(created.body).toMatchObject({ amount: 500, warnings });
      const stored = await request(t.url)
        .get(`/v1/credit-notes/${created.body.id}`)
        .set(auth)
        .expect(200);
      expect(stored.body).toMatchObject({ amount: 500, warnings });
      const plain = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send(note(await invoice()))
        .expect(201);
      expect(plain.body.amount).toBe(1000);
      expect(plain.body).not.toHaveProperty('warnings');
    });

    it('sends a providerInvoiceId the ledger does not know to the upstream, which decides', async () => {
      const res = await request(t.url)
        .post('/v1/credit-notes')
        .set(auth)
        .send({
          providerInvoiceId: unique('EINV-NOPE'),
          reference: unique('REQ'),
          party: { code: 'DLR001', name: 'ABC Motors' },
          amount: 5,
          reason: 'x',
        })
        .expect(422);
      expect(res.body).toMatchObject({
        code: 'upstream_rejected',
        upstream: { code: 'INVOICE_NOT_FOUND' },
      });
    });
  });

  describe('status and remittance batches', () => {
    it('mixes valid, locally invalid and upstream-rejected items, in input order', async () => {
      const future = new Date(Date.now() + 86_400_000).toISOString();
      const res = await request(t.url)
        .post('/v1/invoice-status-updates')
        .set(auth)
        .send({
          updates: [
            {
              documentNumber: 'DEV_Inv070918A',
              status: 'SentForPayment',
              invoiceDate: '2019-12-14T11:47:24.534Z',
              partnerCode: 'PC-1530698055599',
            },
            {
              documentNumber: 'LOCAL-1',
              status: 'SentForPayment',
              invoiceDate: future,
              partnerCode: 'PC-1',
            },
            {
              documentNumber: 'LOCAL-2',
              status: 'Cancelled',
              invoiceDate: '2019-12-14T11:47:24.534Z',
              partnerCode: 'PC-1',
              exceptionType: 'Price',
            },
            {
              documentNumber: 'INVALID-DOC-1',
              status: 'SentForPayment',
              invoiceDate: '2019-12-14T11:47:24.534Z',
              partnerCode: 'PC-1',
            },
            {
              status: 'SentForPayment',
              invoiceDate: '2019-12-14T11:47:24.534Z',
              partnerCode: 'PC-1',
            },
          ],
        })
        .expect(200);
      expect(res.body).toMatchObject({
        provider: 'gep-smart',
        accepted: 1,
        rejected: 4,
        operationId: expect.any(String),
      });
      const results = res.body.results as {
        key: string;
        status: string;
        errors: { code: string; message: string }[];
      }[];
      expect(results.map((r) => [r.key, r.status])).toEqual([
        ['DEV_Inv070918A', 'accepted'],
        ['LOCAL-1', 'rejected'],
        ['LOCAL-2', 'rejected'],
        ['INVALID-DOC-1', 'rejected'],
        ['updates[4]', 'rejected'],
      ]);
      expect(results[1].errors[0].message).toMatch(/cannot be greater than current date/i);
      expect(results[3].errors.length).toBeGreaterThan(0);

      // only the two items that passed the local rules went upstream, in one call
      const outbound = await auditRows(t, res.headers['x-request-id'], 'outbound');
      expect(outbound).toHaveLength(1);
      const sent = outbound[0].requestBody as {
        models: { documentNumber?: string; DocumentNumber?: string }[];
      };
      expect(sent.models.map((m) => m.documentNumber ?? m.DocumentNumber)).toEqual([
        'DEV_Inv070918A',
        'INVALID-DOC-1',
      ]);
    });

    it('adds the credit-memo header block with the shared secret, masked in the audit rows', async () => {
      const res = await request(t.url)
        .post('/v1/credit-memo-status-updates')
        .set(auth)
        .send({
          updates: [
            {
              documentNumber: 'CM-1',
              status: 'SentForPayment',
              creditMemoDate: '2019-12-14T11:47:24.534Z',
              partnerCode: 'PC-1530698055599',
            },
          ],
        })
        .expect(200);
      expect(res.body.accepted).toBe(1);
      const outbound = await auditRows(t, res.headers['x-request-id'], 'outbound');
      const body = outbound[0].requestBody as {
        models: { header: { sender: { sharedSecret: string } } }[];
      };
      expect(body.models[0].header.sender.sharedSecret).toBe('[REDACTED]');
    });

    it('posts remittances and rejects the ones without any identifier locally', async () => {
      const res = await request(t.url)
        .post('/v1/remittances')
        .set(auth)
        .send({
          remittances: [
            {
              documentNumber: 'INV-2024-0001',
              status: 'Paid',
              payment: {
                referenceNumber: 'P-1',
                remittanceId: 'R-1',
                date: '2024-06-01T00:00:00Z',
                grossAmount: 100,
              },
            },
            {
              status: 'Paid',
              payment: {
                referenceNumber: 'P-2',
                remittanceId: 'R-2',
                date: '2024-06-01T00:00:00Z',
              },
            },
            {
              clientSupplierCode: 'SUP-1',
              status: 'Paid',
              payment: {
                referenceNumber: 'P-3',
                remittanceId: 'R-3',
                date: '2024-06-01T00:00:00Z',
              },
            },
          ],
        })
        .expect(200);
      expect(res.body.provider).toBe('gep-quantum');
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
        'accepted',
        'rejected',
        'rejected',
      ]);
    });

    it("keeps GEP Quantum's correlationId on each result and in a whole-request problem", async () => {
      const remittance = (documentNumber: string) => ({
        documentNumber,
        status: 'Paid',
        payment: { referenceNumber: 'P-1', remittanceId: 'R-1', date: '2024-06-01T00:00:00Z' },
      });
      const correlationId = expect.stringMatching(/^\S+:\d+$/);
      const res = await request(t.url)
        .post('/v1/remittances')
        .set(auth)
        .send({ remittances: [remittance('INV-2024-0001'), remittance('INVALID-1')] })
        .expect(200);
      expect(res.body.results).toEqual([
        expect.objectContaining({ status: 'accepted', correlationId }),
        expect.objectContaining({ status: 'rejected', correlationId }),
      ]);
      expect(res.body.results[0].correlationId).toBe(res.body.results[1].correlationId);
      const failed = await request(t.url)
        .post('/v1/remittances')
        .set(auth)
        .send({ remittances: [remittance('SIM-GEP-ERROR-1')] })
        .expect(502);
      expect(failed.body).toMatchObject({
        code: 'upstream_unavailable',
        upstream: { provider: 'gep-quantum', httpStatus: 500, correlationId },
      });
    });

    it('refuses dates without a zone with 400 naming the item field', async () => {
      const res = await request(t.url)
        .post('/v1/invoice-status-updates')
        .set(auth)
        .send({
          updates: [
            {
              documentNumber: 'D-1',
              status: 'SentForPayment',
              invoiceDate: '2019-12-14T11:47:24.534Z',
              partnerCode: 'P',
            },
            {
              documentNumber: 'D-2',
              status: 'SentForPayment',
              invoiceDate: '2019-12-14T11:47:24',
              partnerCode: 'P',
            },
          ],
        })
        .expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'updates[1].invoiceDate',
      ]);
    });

    it('refuses a batch over BATCH_MAX_ITEMS with 400', async () => {
      const small = await startTestApp({ BATCH_MAX_ITEMS: '2' });
      try {
        const item = {
          documentNumber: 'D',
          status: 'SentForPayment',
          invoiceDate: '2019-12-14T11:47:24.534Z',
          partnerCode: 'P',
        };
        const res = await request(small.url)
          .post('/v1/invoice-status-updates')
          .set(auth)
          .send({ updates: [item, item, item] })
          .expect(400);
        expect(res.body.errors[0].path).toBe('updates');
      } finally {
        await small.close();
      }
    });
  });

  describe('idempotency', () => {
    it('replays the stored answer for the same key and body, 422 for another body', async () => {
      const key = randomUUID();
      const body = dmsInvoice();
      const first = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const replay = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      const reused = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('Idempotency-Key', key)
        .send({ ...body, amount: 2 })
        .expect(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
    });

    it('answers 409 while the first request with a key is in flight, and makes one upstream call', async () => {
      const sim = simulatorUrl(t, 'dms');
      await injectFault(sim, { path: '/api/invoices/generate', latencyMs: 800, count: 1 });
      const key = randomUUID();
      const body = dmsInvoice();
      const [a, b] = await Promise.all([
        request(t.url).post('/v1/invoices').set(auth).set('Idempotency-Key', key).send(body),
        new Promise((r) => setTimeout(r, 200)).then(() =>
          request(t.url).post('/v1/invoices').set(auth).set('Idempotency-Key', key).send(body),
        ),
      ]);
      expect(a.status).toBe(201);
      expect(b.status).toBe(409);
      expect(b.body.code).toBe('idempotency_key_in_flight');
      const outbound = await auditRows(t, a.headers['x-request-id'], 'outbound');
      expect(outbound).toHaveLength(1);
      const other = await auditRows(t, b.headers['x-request-id'], 'outbound');
      expect(other).toHaveLength(0);
    });

    it('forgets a key once it has expired', async () => {
      const key = randomUUID();
      const first = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('Idempotency-Key', key)
        .send(dmsInvoice())
        .expect(201);
      await t.app
        .get(DataSource)
        .query(`UPDATE operations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
          first.body.operationId,
        ]);
      const fresh = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('Idempotency-Key', key)
        .send(dmsInvoice())
        .expect(201);
      expect(fresh.headers['idempotent-replayed']).toBeUndefined();
      expect(fresh.body.id).not.toBe(first.body.id);
    });

    it('refuses a malformed key', async () => {
      const res = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('Idempotency-Key', 'x'.repeat(256))
        .send(dmsInvoice())
        .expect(400);
      expect(res.body.errors[0].path).toBe('Idempotency-Key');
    });
  });

  describe('upstream failures', () => {
    it('turns a 503 storm into upstream_unavailable with every retry visible as an audit row', async () => {
      const sim = simulatorUrl(t, 'dms');
      await injectFault(sim, { path: '/api/invoices/generate', status: 503, count: 10 });
      try {
        const res = await request(t.url)
          .post('/v1/invoices')
          .set(auth)
          .send(dmsInvoice())
          .expect((r) => {
            if (r.status !== 502 && r.status !== 503)
              throw new Error(`expected 502/503, got ${r.status}`);
          });
        expect(res.body).toMatchObject({
          code: 'upstream_unavailable',
          upstream: { provider: 'dms', transient: true },
        });
        const outbound = await auditRows(t, res.headers['x-request-id'], 'outbound');
        expect(outbound.map((r) => r.attempt).sort()).toEqual([1, 2, 3]);
        expect(outbound.every((r) => r.status === 503)).toBe(true);
        const op = await request(t.url)
          .get(`/v1/operations/${outbound[0].operationId as string}`)
          .set(auth)
          .expect(200);
        expect(op.body).toMatchObject({ status: 'failed', responseStatus: res.status });
      } finally {
        await clearFaults(sim);
      }
    });
  });

  describe('operations, providers, health', () => {
    it('shows the operation of a call', async () => {
      const created = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice())
        .expect(201);
      const op = await request(t.url)
        .get(`/v1/operations/${created.body.operationId}`)
        .set(auth)
        .expect(200);
      expect(op.body).toMatchObject({
        kind: 'invoice.create',
        provider: 'dms',
        status: 'succeeded',
        attempts: 1,
        responseStatus: 201,
      });
      expect(op.body.durationMs).toBeGreaterThanOrEqual(0);
      const list = await request(t.url)
        .get('/v1/operations?status=succeeded&limit=5')
        .set(auth)
        .expect(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      await request(t.url).get('/v1/operations?status=bogus').set(auth).expect(400);
    });

    it('lists the providers in mock mode with their capabilities', async () => {
      const res = await request(t.url).get('/v1/providers').set(auth).expect(200);
      expect(res.body.items.map((p: { id: string; mode: string }) => [p.id, p.mode])).toEqual([
        ['dms', 'mock'],
        ['gep-smart', 'mock'],
        ['gep-quantum', 'mock'],
        ['delivery-solutions', 'mock'],
      ]);
      expect(res.body.items[0].capabilities).toEqual(
        expect.arrayContaining(['invoice.create', 'credit-note.create']),
      );
    });

    it('exports per-provider upstream metrics and circuit states', async () => {
      const res = await request(t.url).get('/metrics').expect(200);
      expect(res.text).toMatch(
        /gateway_upstream_attempts_total\{provider="dms",connection="dms",operation="[^"]+",outcome="success"\} [1-9]/,
      );
      expect(res.text).toMatch(/gateway_upstream_retries_total\{provider="dms"/);
      expect(res.text).toContain(
        'gateway_upstream_circuit_state{provider="gep-quantum",connection="gep-quantum",state="closed"} 1',
      );
    });

    it('reports upstream health without a key', async () => {
      const res = await request(t.url).get('/health/upstreams').expect(200);
      expect(res.body.upstreams.dms).toMatchObject({
        status: 'up',
        mode: 'mock',
        reachable: true,
        circuit: 'closed',
      });
      await request(t.url).get('/health/upstreams/gep-quantum').expect(200);
      await request(t.url).get('/health/upstreams/sap').expect(404);
    });
  });

  describe('rate limiting', () => {
    it('answers 429 rate_limited with Retry-After past the burst', async () => {
      const limited = await startTestApp({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '2' });
      try {
        await request(limited.url).get('/v1/providers').set(auth).expect(200);
        await request(limited.url).get('/v1/providers').set(auth).expect(200);
        const res = await request(limited.url).get('/v1/providers').set(auth).expect(429);
        expect(res.body.code).toBe('rate_limited');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      } finally {
        await limited.close();
      }
    });
  });
});
