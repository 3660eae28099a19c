import { Client } from 'pg';
import request from 'supertest';
import { createDmsSimulator, defaultDmsOptions, type RunningSimulator } from '@lib/simulators';
import { KeyRing } from '../src/connections/key-ring';
import { auth, dmsInvoice, injectFault, unique } from './support/api';
import { waitFor } from './support/callback-receiver';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

/**
 * The ledger's business keys per connection (DESIGN.md section 11): one reference created
 * through two DMS connections is two invoices; twice on one connection it is one, as before.
 * Answers and audit rows name the connection.
 */
const KEY_A = `key-a-${unique('s')}`;
const KEY_B = `key-b-${unique('s')}`;

async function sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []) {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('ledger keyed by connection (e2e)', () => {
  let simA: RunningSimulator;
  let simB: RunningSimulator;
  let t: TestApp;
  const dmsB = unique('ledger-b');

  beforeAll(async () => {
    simA = await createDmsSimulator({ ...defaultDmsOptions(), apiKey: KEY_A }).start(
      0,
      '127.0.0.1',
    );
    simB = await createDmsSimulator({ ...defaultDmsOptions(), apiKey: KEY_B }).start(
      0,
      '127.0.0.1',
    );
    t = await startTestApp({
      DMS_BASE_URL: simA.url,
      DMS_API_KEY: KEY_A,
      CONNECTIONS_ENCRYPTION_KEYS: KeyRing.generateEntry('k1'),
      CONNECTIONS_REFRESH_MS: '200',
      // one async delivery at a time per connection: a slow one must not hold up another's
      ASYNC_CONCURRENCY: '1',
    });
    await request(t.url)
      .post('/v1/connections')
      .set(auth)
      .send({
        name: dmsB,
        provider: 'dms',
        settings: { baseUrl: simB.url },
        secrets: { apiKey: KEY_B },
      })
      .expect(201);
  });

  afterAll(async () => {
    await t?.close();
    await sql('DELETE FROM connections WHERE name = $1', [dmsB]);
    await Promise.all([simA, simB].map((s) => s?.stop()));
  });

  it('creates one reference on two connections as two invoices, each 201', async () => {
    const invoice = dmsInvoice();
    const onA = await request(t.url).post('/v1/invoices').set(auth).send(invoice).expect(201);
    const onB = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...invoice, connection: dmsB })
      .expect(201);
    expect(onA.body).toMatchObject({
      provider: 'dms',
      connection: 'dms',
      reference: invoice.reference,
    });
    expect(onB.body).toMatchObject({
      provider: 'dms',
      connection: dmsB,
      reference: invoice.reference,
    });
    expect(onB.body.id).not.toBe(onA.body.id);
    const rows = await sql<{ connection: string }>(
      'SELECT connection FROM invoices WHERE reference = $1 ORDER BY connection',
      [invoice.reference],
    );
    expect(rows.map((r) => r.connection).sort()).toEqual(['dms', dmsB].sort());
    const read = await request(t.url).get(`/v1/invoices/${onB.body.id}`).set(auth).expect(200);
    expect(read.body.connection).toBe(dmsB);
  });

  it('answers the same reference again on one connection from the ledger, other content 409', async () => {
    const invoice = dmsInvoice();
    const first = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...invoice, connection: dmsB })
      .expect(201);
    const again = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...invoice, connection: dmsB })
      .expect(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...invoice, amount: invoice.amount + 1, connection: dmsB })
      .expect(409);
    expect(other.body.code).toBe('conflict');
  });

  it('credits an invoice on its own connection only, the credit note naming it', async () => {
    const invoice = dmsInvoice();
    const onB = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...invoice, connection: dmsB })
      .expect(201);
    const note = {
      invoiceId: onB.body.id,
      reference: invoice.reference,
      party: { code: 'DLR001', name: 'ABC Motors' },
      amount: 1000,
      reason: 'Claim settlement',
    };
    const elsewhere = await request(t.url)
      .post('/v1/credit-notes')
      .set(auth)
      .send(note)
      .expect(422);
    expect(elsewhere.body.code).toBe('unknown_connection');
    expect(elsewhere.body.errors[0].path).toBe('connection');
    const created = await request(t.url)
      .post('/v1/credit-notes')
      .set(auth)
      .send({ ...note, connection: dmsB })
      .expect(201);
    expect(created.body).toMatchObject({
      provider: 'dms',
      connection: dmsB,
      invoiceId: onB.body.id,
    });
  });

  it('names the connection in the audit rows of a call, filterable', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const invoice = dmsInvoice();
    await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...invoice, connection: dmsB })
      .expect(201);
    let rows: { connection: string | null; direction: string }[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      const page = await request(t.url)
        .get('/v1/audit-logs')
        .query({ reference: invoice.reference, connection: dmsB, direction: 'inbound' })
        .set(auth)
        .expect(200);
      rows = page.body.items;
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([expect.objectContaining({ connection: dmsB, direction: 'inbound' })]);
    const none = await request(t.url)
      .get('/v1/audit-logs')
      .query({ reference: invoice.reference, connection: 'dms' })
      .set(auth)
      .expect(200);
    expect(none.body.items).toEqual([]);
    // the connection is hashed when set (an optional chain field): the chain still verifies
    const verify = await request(t.url)
      .get('/v1/audit-logs/verify')
      .query({ from: since })
      .set(auth)
      .expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it('delivers an async create on its connection, counted and audited under the connection', async () => {
    const invoice = dmsInvoice();
    const accepted = await request(t.url)
      .post('/v1/invoices')
      .set({ ...auth, prefer: 'respond-async' })
      .send({ ...invoice, connection: dmsB })
      .expect(202);
    const done = await waitFor(
      async () =>
        (await request(t.url).get(`/v1/operations/${accepted.body.id}`).set(auth).expect(200))
          .body as { status: string; result?: { connection?: string } },
      (op) => op.status !== 'queued' && op.status !== 'running',
      20_000,
    );
    expect(done).toMatchObject({ status: 'succeeded', result: { connection: dmsB } });
    await t.flushAudit();
    const outbound = await sql<{ connection: string | null }>(
      `SELECT connection FROM audit_logs WHERE operation_id = $1 AND direction = 'outbound'`,
      [accepted.body.id],
    );
    expect(outbound.length).toBeGreaterThan(0);
    expect(new Set(outbound.map((r) => r.connection))).toEqual(new Set([dmsB]));
    const metrics = await request(t.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      new RegExp(
        `gateway_upstream_attempts_total\\{provider="dms",connection="${dmsB}",operation="[^"]+",outcome="success"\\} [1-9]`,
      ),
    );
    expect(metrics.text).toContain(
      `gateway_upstream_circuit_state{provider="dms",connection="${dmsB}",state="closed"} 1`,
    );
    expect(metrics.text).toMatch(
      /gateway_upstream_attempts_total\{provider="dms",connection="dms",operation="[^"]+",outcome="success"\} [1-9]/,
    );
  });

  it('caps async deliveries per connection: a slow one on dms does not hold up dms-b', async () => {
    await injectFault(simA.url, { path: '/api/invoices/generate', latencyMs: 5000, count: 1 });
    const status = async (id: string) =>
      (await request(t.url).get(`/v1/operations/${id}`).set(auth).expect(200)).body as {
        status: string;
      };
    const ASYNC = { ...auth, prefer: 'respond-async' };
    const slow = await request(t.url)
      .post('/v1/invoices')
      .set(ASYNC)
      .send(dmsInvoice())
      .expect(202);
    await waitFor(
      () => status(slow.body.id),
      (op) => op.status === 'running',
    );
    const other = await request(t.url)
      .post('/v1/invoices')
      .set(ASYNC)
      .send({ ...dmsInvoice(), connection: dmsB })
      .expect(202);
    const done = await waitFor(
      () => status(other.body.id),
      (op) => op.status === 'succeeded',
    );
    expect(done.status).toBe('succeeded');
    // the dms slot is still held by the slow delivery: dms-b had its own
    await expect(status(slow.body.id)).resolves.toMatchObject({ status: 'running' });
    await expect(
      waitFor(
        () => status(slow.body.id),
        (op) => op.status === 'succeeded',
      ),
    ).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a stored default connection is the one a call without `connection` uses, and every row names it', async () => {
    await request(t.url)
      .patch(`/v1/connections/${dmsB}`)
      .set(auth)
      .send({ isDefault: true })
      .expect(200);
    try {
      const created = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send(dmsInvoice())
        .expect(201);
      expect(created.body.connection).toBe(dmsB);
      const [row] = await sql<{ op: string; ledger: string }>(
        `SELECT o.connection AS op, i.connection AS ledger
           FROM invoices i JOIN operations o ON o.id = i.operation_id WHERE i.id = $1`,
        [created.body.id],
      );
      expect(row).toEqual({ op: dmsB, ledger: dmsB });
    } finally {
      await request(t.url)
        .patch(`/v1/connections/${dmsB}`)
        .set(auth)
        .send({ isDefault: false })
        .expect(200);
    }
    // the env connection is the default again
    const back = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201);
    expect(back.body.connection).toBe('dms');
  });
});
