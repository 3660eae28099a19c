import request from 'supertest';
import { defaultDmsOptions, type RunningSimulators } from '@lib/simulators';
import {
  createSimulator,
  DEFAULT_CREDENTIALS,
  simulatorOptionsFromEnv,
  startAllSimulators,
} from '../src/providers/simulators';
import { TestApp, startTestApp } from './support/test-app';
import { auth, dmsInvoice, dsInvoice, injectFault } from './support/api';
import { liveProviderEnv } from './support/live-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Live mode: the four simulators run standalone (as `npm run simulators` starts them) and the
 * gateway is configured with their URLs and credentials, as it would be with the real upstreams.
 */
describe('live mode against standalone simulators (e2e)', () => {
  let sims: RunningSimulators;
  let t: TestApp;
  let dmsPort: number;
  const logLines: string[] = [];
  let stdout: jest.SpyInstance;

  beforeAll(async () => {
    // every log line the gateway writes in this suite is kept and checked for secrets
    stdout = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        logLines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    sims = await startAllSimulators(simulatorOptionsFromEnv({}), { port: 0 });
    dmsPort = sims.get('dms')!.port;
    t = await startTestApp({
      LOG_LEVEL: 'debug',
      ...liveProviderEnv(sims),
      DMS_TIMEOUT_MS: '1000',
      DMS_RETRY_MAX_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    await t?.close();
    await sims?.stop();
    stdout.mockRestore();
  });

  it('runs every provider live', async () => {
    const res = await request(t.url).get('/v1/providers').set(auth).expect(200);
    expect(res.body.items.map((p: { mode: string }) => p.mode)).toEqual([
      'live',
      'live',
      'live',
      'live',
    ]);
  });

  it('creates a DMS invoice and its credit note, a Delivery Solutions invoice, and posts statuses and remittances', async () => {
    const inv = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send(dmsInvoice({ amount: 500 }))
      .expect(201);
    expect(inv.body.mock).toBe(false);
    const cn = await request(t.url)
      .post('/v1/credit-notes')
      .set(auth)
      .send({
        invoiceId: inv.body.id,
        reference: inv.body.reference,
        party: { code: 'DLR001', name: 'ABC Motors' },
        amount: 500,
        reason: 'Claim settlement',
      })
      .expect(201);
    expect(cn.body.providerCreditNoteId).toEqual(expect.stringMatching(/\S/));

    await request(t.url).post('/v1/invoices').set(auth).send(dsInvoice()).expect(201);

    const statuses = await request(t.url)
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
        ],
      })
      .expect(200);
    expect(statuses.body.accepted).toBe(1);

    const memos = await request(t.url)
      .post('/v1/credit-memo-status-updates')
      .set(auth)
      .send({
        updates: [
          {
            documentNumber: 'CM-9',
            status: 'SentForPayment',
            creditMemoDate: '2019-12-14T11:47:24.534Z',
            partnerCode: 'PC-1530698055599',
          },
        ],
      })
      .expect(200);
    expect(memos.body.accepted).toBe(1);

    const remittances = await request(t.url)
      .post('/v1/remittances')
      .set(auth)
      .send({
        remittances: [
          {
            documentNumber: 'INV-1',
            status: 'Paid',
            payment: { referenceNumber: 'P-1', remittanceId: 'R-1', date: '2024-06-01T00:00:00Z' },
          },
        ],
      })
      .expect(200);
    expect(remittances.body.accepted).toBe(1);
  });

  it('answers 504 upstream_timeout when the upstream hangs past its timeout', async () => {
    await injectFault(sims.get('dms')!.url, {
      path: '/api/invoices/generate',
      mode: 'hang',
      count: 1,
    });
    const res = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(504);
    expect(res.body).toMatchObject({
      code: 'upstream_timeout',
      upstream: { provider: 'dms', transient: true },
    });
  });

  it('turns /health/upstreams 503 while a live upstream is down, and 200 when it is back', async () => {
    await request(t.url).get('/health/upstreams').expect(200);
    await sims.get('dms')!.stop();
    await sleep(2100); // past the probe cache
    const down = await request(t.url).get('/health/upstreams').expect(503);
    expect(down.body.upstreams.dms).toMatchObject({
      status: 'down',
      mode: 'live',
      reachable: false,
    });
    expect(down.body.upstreams['gep-smart'].status).toBe('up');
    await request(t.url).get('/health/upstreams/dms').expect(503);
    // liveness and readiness never depend on upstreams
    await request(t.url).get('/health/live').expect(200);
    await request(t.url).get('/health/ready').expect(200);

    const back = await createSimulator('dms', {
      ...defaultDmsOptions(),
      ...DEFAULT_CREDENTIALS.dms,
    }).start(dmsPort);
    try {
      await sleep(2100);
      const up = await request(t.url).get('/health/upstreams').expect(200);
      expect(up.body.upstreams.dms).toMatchObject({ status: 'up', reachable: true });
    } finally {
      await back.stop();
    }
  }, 20_000);

  it('never writes a credential to a log line', () => {
    const c = DEFAULT_CREDENTIALS;
    const secrets = [
      c.dms.apiKey,
      c['gep-smart'].authKey,
      c['gep-smart'].sharedSecret,
      c['gep-quantum'].subscriptionKey,
      c['delivery-solutions'].clientSecret,
    ];
    const text = logLines.join('');
    expect(text).toContain('"requestId"'); // the suite did log its requests
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Bearer [A-Za-z0-9._-]{10,}/);
  });
});
