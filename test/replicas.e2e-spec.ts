import request from 'supertest';
import {
  simulatorOptionsFromEnv,
  startAllSimulators,
  type RunningSimulators,
} from '@lib/simulators';
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
 * once makes one upstream call; the second caller gets the first one's document (200), never a
 * second call (Delivery Solutions would answer "Invoice already Exists" to it).
 */
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

  it.each([
    ['delivery-solutions', '/returns/v1/invoices', () => dsInvoice(), 'orderExternalId'],
    ['dms', '/api/invoices/generate', () => dmsInvoice(), 'request_number'],
  ] as const)(
    '%s: the same invoice sent to both replicas at once reaches the upstream once',
    async (id, path, make, field) => {
      const simulator = sims.get(id)!.url;
      // the first upstream call is slow, so the second replica's request arrives while it runs
      await injectFault(simulator, { path, method: 'POST', latencyMs: 400, count: 1 });
      const body = make();
      const [first, second] = await Promise.all([
        request(a.url).post('/v1/invoices').set(auth).send(body),
        request(b.url).post('/v1/invoices').set(auth).send(body),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 201]);
      expect(first.body.id).toBe(second.body.id);
      const sent = (await creates(simulator, path)).filter(
        (e) => e.body?.[field] === body.reference,
      );
      expect(sent).toHaveLength(1);
    },
  );
});
