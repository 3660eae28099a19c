/**
 * A sixth provider, defined in one folder (test/providers/sixth/) plus one line in a provider
 * list, is configured, simulated, served and health-checked with nothing else touched. It is a
 * test-only provider: its folder lives under test/ so that no build or image ever ships it, and
 * this suite swaps its provider list (the listed providers and one line more) in for
 * src/providers/provider-list.ts. Everything below reads the list as the gateway does.
 */
jest.mock('../../src/providers/provider-list', () =>
  jest.requireActual<object>('./sixth/provider-list'),
);

import request from 'supertest';
import { SimulatorConfigError } from '@lib/simulators';
import { ConfigValidationError } from '../../src/config/app-config';
import { loadConfig } from '../../src/load-config';
import { PROVIDER_IDS, type ProviderId } from '../../src/providers/provider-ids';
import { simulatorOptionsFromEnv, startAllSimulators } from '../../src/providers/simulators';
import { auth, simulatorUrl, unique } from '../support/api';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestApp, type TestApp } from '../support/test-app';

const SIXTH = 'ledgerly' as ProviderId;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('a sixth provider: one folder and one line in the provider list', () => {
  it('is listed after the others', () => {
    expect(PROVIDER_IDS).toEqual(['dms', 'gep-smart', 'gep-quantum', 'delivery-solutions', SIXTH]);
  });

  it('is configured: its variables are read and checked, its deadline against the lease', () => {
    expect(problemsOf({ LEDGERLY_BASE_URL: 'not a url' })).toEqual([
      expect.stringMatching(/^LEDGERLY_BASE_URL is invalid/),
    ]);
    expect(problemsOf({ LEDGERLY_BASE_URL: 'https://ledgerly.example.com' })).toEqual([
      'ledgerly has a base URL but is missing LEDGERLY_API_KEY',
    ]);
    expect(problemsOf({ LEDGERLY_RETRY_MAX_ATTEMPTS: '0' })).toEqual([
      expect.stringMatching(/^LEDGERLY_RETRY_MAX_ATTEMPTS="0" is invalid/),
    ]);
    expect(
      problemsOf({
        ASYNC_LEASE_MS: '20000',
        DMS_DEADLINE_MS: '4000',
        GEP_SMART_DEADLINE_MS: '4000',
        GEP_QUANTUM_DEADLINE_MS: '4000',
        DELIVERY_SOLUTIONS_DEADLINE_MS: '4000',
        LEDGERLY_DEADLINE_MS: '30000',
      }),
    ).toEqual([
      'ASYNC_LEASE_MS (20000) must be longer than the ledgerly deadline (30000 ms): a call still running would be taken over',
    ]);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        MOCK_PROVIDERS: 'dms,gep-smart,gep-quantum,delivery-solutions',
        CALLBACK_SECRET: 'x'.repeat(32),
      }),
    ).toEqual([expect.stringMatching(/^ledgerly is not configured \(LEDGERLY_BASE_URL unset\)/)]);
    const config = loadConfig({
      LEDGERLY_BASE_URL: 'https://ledgerly.example.com',
      LEDGERLY_API_KEY: 'k-123456',
      LEDGERLY_TIMEOUT_MS: '1500',
    });
    expect(config.providers[SIXTH]).toMatchObject({
      baseUrl: 'https://ledgerly.example.com',
      apiKey: 'k-123456',
      http: { timeoutMs: 1500 },
    });
  });

  it('is simulated: the simulators of the list include its, on its own port variable', async () => {
    expect(simulatorOptionsFromEnv({}).ports[SIXTH]).toBe(4106);
    expect(() => simulatorOptionsFromEnv({ SIM_LEDGERLY_PORT: '70000' })).toThrow(
      SimulatorConfigError,
    );
    const config = simulatorOptionsFromEnv({ SIM_LEDGERLY_API_KEY: 'sim-key-6' });
    const all = await startAllSimulators(config, { port: 0 });
    try {
      expect(all.simulators.map((s) => s.id)).toEqual([...PROVIDER_IDS]);
      const url = all.get(SIXTH)!.url;
      const health = await fetch(`${url}/__sim/health`);
      expect(await health.json()).toEqual({ status: 'ok', simulator: SIXTH });
      const created = await fetch(`${url}/invoices`, {
        method: 'POST',
        headers: { authorization: 'Bearer sim-key-6', 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'R-1', total: 10 }),
      });
      expect(created.status).toBe(201);
    } finally {
      await all.stop();
    }
  });

  describe('through the gateway (mock mode)', () => {
    let t: TestApp;
    // a database of its own: its ledgerly rows would be answered by the other suites' gateways,
    // whose provider list (and OpenAPI document) has no ledgerly
    let scratch: ScratchDatabase;

    beforeAll(async () => {
      scratch = await createScratchDatabase('igw_sixth');
      t = await startTestApp({ DATABASE_URL: scratch.url });
    }, 60_000);

    afterAll(async () => {
      await t?.close();
      await scratch?.drop();
    });

    it('serves POST /v1/invoices through it end to end, and records the call', async () => {
      const reference = unique('LG');
      const res = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send({ provider: SIXTH, reference, amount: 12.5, party: { name: 'Ledger Co' } })
        .expect(201);
      expect(res.body).toMatchObject({
        provider: SIXTH,
        reference,
        status: 'ISSUED',
        mock: true,
      });
      const log = await request(simulatorUrl(t, SIXTH)).get('/__sim/requests').expect(200);
      expect(JSON.stringify(log.body)).toContain('/invoices');
      const stored = await request(t.url).get(`/v1/invoices/${res.body.id}`).set(auth).expect(200);
      expect(stored.body).toMatchObject({ provider: SIXTH, reference });
    });

    it('is listed by /v1/providers and health-checked by /health/upstreams', async () => {
      const providers = await request(t.url).get('/v1/providers').set(auth).expect(200);
      expect(providers.body.items.map((p: { id: string }) => p.id)).toContain(SIXTH);
      const all = await request(t.url).get('/health/upstreams').expect(200);
      expect(all.body.upstreams[SIXTH]).toMatchObject({
        status: 'up',
        mode: 'mock',
        reachable: true,
        circuit: 'closed',
      });
      await request(t.url).get(`/health/upstreams/${SIXTH}`).expect(200);
    });
  });
});
