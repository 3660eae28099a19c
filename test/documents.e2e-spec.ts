import request from 'supertest';
import { auth, dmsInvoice, dsInvoice, unique } from './support/api';
import { createClient } from './support/clients';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';
import { bearer, startTestApp, type TestApp } from './support/test-app';

interface Doc {
  id: string;
  kind: string;
  provider: string;
  connection: string;
  key: string;
  providerIds: Record<string, string>;
  partyCode: string | null;
  lastStatus: string | null;
  paidAt: string | null;
}

interface Change {
  change: string;
  summary: string;
  operationId: string | null;
}

/**
 * Documents and their timelines through the API (mock upstreams), on a database of its own so
 * searches and pages see only this suite's documents.
 */
describe('documents (e2e)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase('igw_documents');
    t = await startTestApp({ DATABASE_URL: scratch.url });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  }, 30_000);

  async function search(query: Record<string, string>): Promise<Doc[]> {
    const res = await request(t.url).get('/v1/documents').query(query).set(auth).expect(200);
    return res.body.items as Doc[];
  }

  async function only(q: string, extra: Record<string, string> = {}): Promise<Doc> {
    const found = await search({ q, ...extra });
    expect(found).toHaveLength(1);
    return found[0];
  }

  async function timeline(id: string): Promise<{ document: Doc; changes: Change[] }> {
    const res = await request(t.url).get(`/v1/documents/${id}/timeline`).set(auth).expect(200);
    return res.body;
  }

  const status = (documentNumber: string, extra: Record<string, unknown> = {}) => ({
    documentNumber,
    status: 'SentForPayment',
    invoiceDate: '2026-01-15T10:00:00.000Z',
    partnerCode: 'PC-DOCS-1',
    ...extra,
  });

  const remittance = (documentNumber: string) => ({
    documentNumber,
    status: 'Paid',
    payment: {
      referenceNumber: 'PAY-1',
      remittanceId: 'REM-DOCS-1',
      date: '2026-01-20T00:00:00Z',
      netAmount: 990,
      currency: 'USD',
    },
  });

  it('an invoice created at DMS: found by reference, upstream numbers and party code', async () => {
    const party = 'DLR001'; // a dealer the DMS simulator knows
    const body = dmsInvoice();
    const created = await request(t.url).post('/v1/invoices').set(auth).send(body).expect(201);
    const doc = await only(body.reference);
    expect(doc).toMatchObject({
      kind: 'invoice',
      provider: 'dms',
      connection: 'dms',
      key: body.reference,
      partyCode: party,
      lastStatus: created.body.status,
      paidAt: null,
      providerIds: { providerInvoiceId: created.body.providerInvoiceId },
    });
    expect((await only(created.body.providerInvoiceId as string)).id).toBe(doc.id);
    expect((await search({ q: party, limit: '200' })).map((d) => d.id)).toContain(doc.id);
    const { changes } = await timeline(doc.id);
    expect(changes).toEqual([
      expect.objectContaining({ change: 'created', operationId: created.body.operationId }),
    ]);
    expect(changes[0].summary).toContain('invoice created at dms');
  });

  it('an invoice updated at Delivery Solutions: created, then updated', async () => {
    const body = dsInvoice();
    const created = await request(t.url).post('/v1/invoices').set(auth).send(body).expect(201);
    const updated = await request(t.url)
      .patch(`/v1/invoices/${created.body.id}`)
      .set(auth)
      .send({ amount: 50 })
      .expect(200);
    const doc = await only(body.reference, { provider: 'delivery-solutions' });
    const { changes } = await timeline(doc.id);
    expect(changes.map((c) => [c.change, c.operationId])).toEqual([
      ['created', created.body.operationId],
      ['updated', updated.body.operationId],
    ]);
  });

  it('a credit note: its own document, and a change on its invoice', async () => {
    const invoice = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send(dmsInvoice())
      .expect(201);
    const reference = unique('CN');
    const note = await request(t.url)
      .post('/v1/credit-notes')
      .set(auth)
      .send({
        invoiceId: invoice.body.id,
        reference,
        party: { code: 'DLR001', name: 'ABC Motors' },
        amount: 1000,
        reason: 'Claim settlement',
      })
      .expect(201);
    const doc = await only(reference, { kind: 'credit_note' });
    expect(doc).toMatchObject({
      kind: 'credit_note',
      provider: 'dms',
      lastStatus: note.body.status,
    });
    expect((await only(note.body.providerCreditNoteId as string)).id).toBe(doc.id);
    expect((await timeline(doc.id)).changes.map((c) => c.change)).toEqual(['credit_note_created']);
    const invoiceDoc = await only(invoice.body.reference as string);
    expect((await timeline(invoiceDoc.id)).changes.map((c) => c.change)).toEqual([
      'created',
      'credit_note_created',
    ]);
  });

  it('a GEP SMART status and a GEP Quantum remittance for one number meet on one document, paid', async () => {
    const number = unique('GEPINV');
    const posted = await request(t.url)
      .post('/v1/invoice-status-updates')
      .set(auth)
      .send({ updates: [status(number)] })
      .expect(200);
    expect(posted.body.accepted).toBe(1);
    const before = await only(number);
    expect(before).toMatchObject({
      kind: 'invoice',
      provider: 'gep-smart',
      lastStatus: 'SentForPayment',
      partyCode: 'PC-DOCS-1',
      paidAt: null,
    });
    const paid = await request(t.url)
      .post('/v1/remittances')
      .set(auth)
      .send({ remittances: [remittance(number)] })
      .expect(200);
    expect(paid.body.accepted).toBe(1);
    const { document, changes } = await timeline(before.id);
    expect(document).toMatchObject({ id: before.id, kind: 'invoice', provider: 'gep-smart' });
    expect(document.paidAt).toEqual(expect.any(String));
    expect(changes.map((c) => [c.change, c.operationId])).toEqual([
      ['status_posted', posted.body.operationId],
      ['remittance_posted', paid.body.operationId],
    ]);
    expect(changes[1].summary).toBe(
      'remittance REM-DOCS-1 (Paid, 990 USD, paid 2026-01-20T00:00:00Z) posted to gep-quantum: accepted',
    );
  });

  it('a remittance first: a remittance target, which becomes the invoice when its status is posted', async () => {
    const number = unique('GEPINV');
    await request(t.url)
      .post('/v1/remittances')
      .set(auth)
      .send({ remittances: [remittance(number)] })
      .expect(200);
    const target = await only(number);
    expect(target).toMatchObject({ kind: 'remittance_target', provider: 'gep-quantum' });
    expect(target.paidAt).toEqual(expect.any(String));
    await request(t.url)
      .post('/v1/invoice-status-updates')
      .set(auth)
      .send({ updates: [status(number, { status: 'ReadyForPayment' })] })
      .expect(200);
    const invoice = await only(number);
    expect(invoice).toMatchObject({
      id: target.id,
      kind: 'invoice',
      provider: 'gep-smart',
      lastStatus: 'ReadyForPayment',
      paidAt: target.paidAt,
    });
  });

  it('credit memo statuses, and a rejected item recorded without changing the status', async () => {
    const memo = unique('CM');
    await request(t.url)
      .post('/v1/credit-memo-status-updates')
      .set(auth)
      .send({
        updates: [
          {
            documentNumber: memo,
            status: 'SentForPayment',
            creditMemoDate: '2026-01-15T10:00:00.000Z',
            partnerCode: 'PC-DOCS-2',
          },
        ],
      })
      .expect(200);
    const doc = await only(memo, { kind: 'credit_memo' });
    expect(doc).toMatchObject({ provider: 'gep-smart', lastStatus: 'SentForPayment' });

    const number = unique('GEPINV');
    const rejected = await request(t.url)
      .post('/v1/invoice-status-updates')
      .set(auth)
      .send({ updates: [status(number, { invoiceDate: '2999-01-01T00:00:00.000Z' })] })
      .expect(200);
    expect(rejected.body.rejected).toBe(1);
    const held = await only(number);
    expect(held.lastStatus).toBeNull();
    const { changes } = await timeline(held.id);
    expect(changes).toHaveLength(1);
    expect(changes[0].summary).toMatch(/^status SentForPayment posted to gep-smart: rejected/);
  });

  it('pages most recently changed first with a cursor; filters by provider and kind', async () => {
    const party = unique('PAGE');
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      refs.push(unique('GEPINV'));
      await request(t.url)
        .post('/v1/invoice-status-updates')
        .set(auth)
        .send({ updates: [status(refs[i], { partnerCode: party })] })
        .expect(200);
    }
    const first = await request(t.url)
      .get('/v1/documents')
      .query({ q: party, limit: 2 })
      .set(auth)
      .expect(200);
    expect(first.body.items.map((d: Doc) => d.key)).toEqual([refs[2], refs[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(t.url)
      .get('/v1/documents')
      .query({ q: party, limit: 2, cursor: first.body.nextCursor })
      .set(auth)
      .expect(200);
    expect(second.body.items.map((d: Doc) => d.key)).toEqual([refs[0]]);
    expect(second.body.nextCursor).toBeNull();

    await expect(search({ q: party, provider: 'dms' })).resolves.toEqual([]);
    await expect(search({ q: party, kind: 'credit_memo' })).resolves.toEqual([]);
    await expect(
      search({ q: party, provider: 'gep-smart', kind: 'invoice' }),
    ).resolves.toHaveLength(3);
    const all = await search({ kind: 'invoice', limit: '200' });
    expect(all.every((d) => d.kind === 'invoice')).toBe(true);
  });

  it('refuses bad input naming the field, and answers 404 for an unknown document', async () => {
    const badCursor = await request(t.url)
      .get('/v1/documents')
      .query({ cursor: 'bm90LWEtY3Vyc29y' })
      .set(auth)
      .expect(400);
    expect(JSON.stringify(badCursor.body)).toContain('cursor');
    const operationCursor = Buffer.from(
      `o:2026-01-01T00:00:00.000Z,${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
    ).toString('base64url');
    await request(t.url)
      .get('/v1/documents')
      .query({ cursor: operationCursor })
      .set(auth)
      .expect(400);
    const badKind = await request(t.url)
      .get('/v1/documents')
      .query({ kind: 'order' })
      .set(auth)
      .expect(400);
    expect(JSON.stringify(badKind.body)).toContain('kind');
    await request(t.url).get('/v1/documents/not-a-uuid/timeline').set(auth).expect(400);
    await request(t.url)
      .get('/v1/documents/00000000-0000-4000-8000-000000000000/timeline')
      .set(auth)
      .expect(404);
  });

  it('a client sees only the documents its operations touched; a key without operations:read is refused', async () => {
    const reader = await createClient(scratch.url, 'operations:read', 'docs-reader');
    const mine = await request(t.url).get('/v1/documents').set(bearer(reader.key)).expect(200);
    expect(mine.body.items).toEqual([]);
    const someone = (await search({ limit: '1' }))[0];
    await request(t.url)
      .get(`/v1/documents/${someone.id}/timeline`)
      .set(bearer(reader.key))
      .expect(404);
    const writer = await createClient(scratch.url, 'invoices:write', 'docs-writer');
    await request(t.url).get('/v1/documents').set(bearer(writer.key)).expect(403);
  });
});
