import request from 'supertest';
import { auth, dmsInvoice, simulatorUrl } from './support/api';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * System events of the circuit breaker (DESIGN section 12): a DMS upstream failing every call
 * opens the connection's circuit (`upstream.circuit_opened`); once it answers again, a call after
 * the half-open wait closes it (`upstream.circuit_closed`). Both name the connection, are read
 * by an admin at GET /v1/events, and are never another client's to see.
 */
describe('circuit events (e2e)', () => {
  let t: TestApp;
  const sim = () => simulatorUrl(t, 'dms');

  beforeAll(async () => {
    t = await startTestApp({
      DMS_BREAKER_FAILURE_RATIO: '0.5',
      DMS_BREAKER_MIN_CALLS: '2',
      DMS_BREAKER_HALF_OPEN_MS: '300',
      DMS_RETRY_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function eventsOf(type: string): Promise<Array<Record<string, unknown>>> {
    const res = await request(t.url).get('/v1/events').query({ type }).set(auth).expect(200);
    return res.body.items as Array<Record<string, unknown>>;
  }

  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    const end = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > end) throw new Error('not reached within 15 s');
      await sleep(200);
    }
  }

  it('emits upstream.circuit_opened and upstream.circuit_closed for the connection', async () => {
    await request(sim())
      .post('/__sim/faults')
      .send({ path: '/api/invoices/generate', status: 503 })
      .expect((r) => expect(r.status).toBeLessThan(300));
    for (let i = 0; i < 4; i++) {
      const res = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice());
      expect(res.status).toBeGreaterThanOrEqual(500);
    }
    const opened = await until(
      () => eventsOf('upstream.circuit_opened'),
      (items) => items.length > 0,
    );
    expect(opened[0]).toMatchObject({
      type: 'upstream.circuit_opened',
      clientId: null,
      connection: 'dms',
      provider: 'dms',
      data: expect.objectContaining({ connection: 'dms', state: 'open' }),
    });

    await request(sim()).delete('/__sim/faults');
    await sleep(400);
    await until(
      async () => (await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice())).status,
      (status) => status === 201,
    );
    const closed = await until(
      () => eventsOf('upstream.circuit_closed'),
      (items) => items.length > 0,
    );
    expect(closed[0]).toMatchObject({ connection: 'dms', data: { state: 'closed' } });
  });
});
