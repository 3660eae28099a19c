import request from 'supertest';
import { POLL_MS } from '../src/operations/delivery-worker';
import { auth, dmsInvoice } from './support/api';
import { waitFor } from './support/callback-receiver';
import { startTestApp, type TestApp } from './support/test-app';

const ASYNC = { ...auth, prefer: 'respond-async' };

/**
 * ASYNC_WORKER_ENABLED=false: the process accepts (202) and serves, stays ready, and claims
 * nothing; a second process with its worker on, on the same database, delivers what it accepted.
 */
jest.setTimeout(30_000);

describe('ASYNC_WORKER_ENABLED=false (e2e)', () => {
  let acceptOnly: TestApp | undefined;
  let delivering: TestApp | undefined;

  afterAll(async () => {
    await acceptOnly?.close();
    await delivering?.close();
  });

  it('accepts, stays ready and claims nothing; a process with its worker on delivers', async () => {
    acceptOnly = await startTestApp({ ASYNC_WORKER_ENABLED: 'false' });
    const accepted = await request(acceptOnly.url)
      .post('/v1/invoices')
      .set(ASYNC)
      .send(dmsInvoice())
      .expect(202);
    expect(accepted.body.status).toBe('queued');

    const ready = await request(acceptOnly.url).get('/health/ready').expect(200);
    expect(ready.body.info.worker).toEqual({
      status: 'up',
      enabled: false,
      claiming: false,
      running: {},
      callbacksRunning: 0,
      webhooksRunning: 0,
      lastPollAt: null,
    });

    // three poll intervals: a worker that claimed would have started the attempt by now
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    const waiting = await request(acceptOnly.url)
      .get(`/v1/operations/${accepted.body.id}`)
      .set(auth)
      .expect(200);
    expect(waiting.body).toMatchObject({ status: 'queued', attempts: 0 });

    delivering = await startTestApp();
    const readyToo = await request(delivering.url).get('/health/ready').expect(200);
    expect(readyToo.body.info.worker).toMatchObject({ enabled: true, claiming: true });
    const delivered = await waitFor(
      async () =>
        (
          await request(acceptOnly!.url)
            .get(`/v1/operations/${accepted.body.id}`)
            .set(auth)
            .expect(200)
        ).body as { status: string; attempts: number },
      (op) => op.status === 'succeeded',
    );
    expect(delivered).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
