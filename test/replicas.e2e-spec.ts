import request from 'supertest';
import { type SimulatorId, type RunningSimulators } from '@lib/simulators';
import { simulatorOptionsFromEnv, startAllSimulators } from '../src/providers/simulators';
import { auth, dmsInvoice, dsInvoice, injectFault } from './support/api';
import { liveProviderEnv } from './support/live-env';
import { startTestApp, type TestApp } from './support/test-app';

interface LoggedCreate {
  method: string;
  path: string;
  body?: { orderExternalId?: string; request_number?: string };
}

/**
 * Two replicas on one Postgres against one upstream (issue 11): the same create sent to both at
 * once gives one document; the second caller gets the first one's (200). Delivery Solutions
 * (which answers "Invoice already Exists" to a second create) gets one call: its creates are
 * serialised across replicas. DMS deduplicates by request_number, so its creates take no
 * cross-replica lock (issue 14): it may see the create twice, and answers the same document.
 */
// two apps and the simulators start in beforeAll: bounded well above a loaded machine's start
// (a hook that times out leaves both apps running, claiming the next suites' operations)
jest.setTimeout(30_000);

describe('two replicas, one create (e2e, live mode)', () => {
  let sims: RunningSimulators;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    sims = await startAllSimulators(simulatorOptionsFromEnv({}), { port: 0 });
    const env = liveProviderEnv(sims);
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await sims?.stop();
  });

  async function creates(simulator: string, path: string): Promise<LoggedCreate[]> {
    const log = await request(simulator).get('/__sim/requests?limit=500').expect(200);
    const entries = (log.body.requests ?? log.body) as LoggedCreate[];
    return entries.filter((e) => e.method === 'POST' && e.path.startsWith(path));
  }

  it('delivery-solutions: the same invoice sent to both replicas at once reaches the upstream once', async () => {
    const { first, second, sent } = await sameCreateTwice(
      'delivery-solutions',
      '/returns/v1/invoices',
      dsInvoice(),
      'orderExternalId',
    );
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.id).toBe(second.body.id);
    expect(sent).toHaveLength(1);
  });

  it('dms: the same invoice sent to both replicas at once gives one document and one ledger row', async () => {
    const { first, second, sent } = await sameCreateTwice(
      'dms',
      '/api/invoices/generate',
      dmsInvoice(),
      'request_number',
    );
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.id).toBe(second.body.id);
    expect(first.body.providerInvoiceId).toBe(second.body.providerInvoiceId);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(2);
  });

  async function sameCreateTwice(
    id: SimulatorId,
    path: string,
    body: { reference: string },
    field: 'orderExternalId' | 'request_number',
  ) {
    const simulator = sims.get(id)!.url;
    // the first upstream call is slow, so the second replica's request arrives while it runs
    await injectFault(simulator, { path, method: 'POST', latencyMs: 400, count: 1 });
    const [first, second] = await Promise.all([
      request(a.url).post('/v1/invoices').set(auth).send(body),
      request(b.url).post('/v1/invoices').set(auth).send(body),
    ]);
    const sent = (await creates(simulator, path)).filter((e) => e.body?.[field] === body.reference);
    return { first, second, sent };
  }
});
