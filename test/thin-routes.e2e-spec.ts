import request from 'supertest';
import { OperationAnswerInterceptor } from '../src/gateway/idempotency/operation-call';
import { TestApp, startTestApp } from './support/test-app';
import { auditRows, auth, dmsInvoice, unique } from './support/api';

/**
 * The hot routes are answered by the thin path (src/gateway/thin-routes.ts), not through Nest's
 * interceptor chain, with the same answers: status, headers, problem+json, audit row.
 */
describe('thin path for the hot routes (e2e)', () => {
  let t: TestApp;
  const intercept = jest.spyOn(OperationAnswerInterceptor.prototype, 'intercept');

  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);
  afterAll(async () => {
    await t.close();
    intercept.mockRestore();
  });

  it('creates an invoice without the interceptor chain, with its headers and audit row', async () => {
    intercept.mockClear();
    const requestId = unique('thin');
    const res = await request(t.url)
      .post('/v1/invoices')
      .set({ ...auth, 'x-request-id': requestId, 'idempotency-key': unique('k') })
      .send(dmsInvoice())
      .expect(201);
    expect(intercept).not.toHaveBeenCalled();
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const rows = await auditRows(t, requestId, 'inbound');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 201,
      operation: 'invoice.create',
      responseBody: expect.objectContaining({ id: res.body.id }),
    });
  }, 30_000);

  it('answers refusals on the thin path as problem+json: 401, 400 naming the field', async () => {
    intercept.mockClear();
    const unauthorised = await request(t.url).post('/v1/invoices').send(dmsInvoice()).expect(401);
    expect(unauthorised.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unauthorised.headers['www-authenticate']).toMatch(/^Bearer/);
    const invalid = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), amount: 'much', extra: 1 })
      .expect(400);
    expect(invalid.body.code).toBe('validation_failed');
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      expect.arrayContaining(['amount', 'extra']),
    );
    expect(intercept).not.toHaveBeenCalled();
  }, 30_000);

  it('leaves the other operation routes on the interceptor chain', async () => {
    intercept.mockClear();
    const created = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send(dmsInvoice())
      .expect(201);
    await request(t.url)
      .patch(`/v1/invoices/${created.body.id}`)
      .set(auth)
      .send({ description: 'changed' })
      .expect((res) => expect([200, 400, 422]).toContain(res.status));
    expect(intercept).toHaveBeenCalled();
  }, 30_000);
});
