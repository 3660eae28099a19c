import { defaultDeliverySolutionsOptions, type RunningSimulator } from '@lib/simulators';
import type { DeliverySolutionsSettings } from '../../src/providers/delivery-solutions/delivery-solutions.definition';
import { isDsDuplicateInvoice } from '../../src/providers/delivery-solutions/delivery-solutions.errors';
import { DeliverySolutionsProvider } from '../../src/providers/delivery-solutions/delivery-solutions.provider';
import type { UpstreamHttpOverrides } from '../../src/providers/provider-definition';
import type { CanonicalInvoice } from '../../src/providers/provider.contract';
import { describeProviderContract, failure, providerHarness } from './provider-harness';

/**
 * Contract tests: the Delivery Solutions provider against its simulator over real HTTP.
 */

const CREDS = {
  clientId: 'ds-e2e-client',
  clientSecret: 'ds-e2e-client-secret-9b2e',
  apiKey: 'ds-e2e-api-key-51d0',
  tenantId: 'ds-e2e-tenant',
};
const TOKEN_PATH = '/ent-services/security/v1/oauth/token';
const INVOICES = '/returns/v1/invoices';
const HTTP: UpstreamHttpOverrides = {
  connectTimeoutMs: 1000,
  timeoutMs: 2000,
  deadlineMs: 5000,
  maxAttempts: 3,
};

/** Every bearer token a simulator received (to prove none reaches the audit trail). */
const tokensSeen = new Set<string>();
const h = providerHarness('delivery-solutions', DeliverySolutionsProvider.fromEndpoint, {
  http: HTTP,
  simulator: () => ({ ...defaultDeliverySolutionsOptions(), ...CREDS }),
  prepare: (simulator) =>
    simulator.app.addHook('onRequest', async (request) => {
      const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      if (match) tokensSeen.add(match[1]);
    }),
});
const audit = h.audit;
const startSim = () => h.startSim();

const oauth = (url: string): Partial<DeliverySolutionsSettings> => ({
  tokenUrl: `${url}${TOKEN_PATH}`,
  clientId: CREDS.clientId,
  clientSecret: CREDS.clientSecret,
});

function provider(
  url: string,
  settings: Partial<DeliverySolutionsSettings> = oauth(url),
  http: UpstreamHttpOverrides = HTTP,
): DeliverySolutionsProvider {
  return h.provider({ ...settings, baseUrl: url, http }, http);
}

async function simRequests(
  url: string,
  method: string,
  path: string,
): Promise<{ status?: number; path: string }[]> {
  const res = await fetch(`${url}/__sim/requests`);
  const body = (await res.json()) as {
    requests: { method: string; path: string; status?: number }[];
  };
  return body.requests.filter((r) => r.method === method && r.path.startsWith(path));
}

async function simPost(url: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

let sequence = 0;
function invoice(overrides: Partial<CanonicalInvoice> = {}): CanonicalInvoice {
  sequence += 1;
  return {
    provider: 'delivery-solutions',
    reference: `AKunalA${String(sequence).padStart(4, '0')}`,
    groupReference: 'GAKunalA0089',
    party: { name: 'Kunal', email: 'kunal@example.com', phone: '+14155550100', externalId: 'u-1' },
    amount: 10.43,
    currency: 'USD',
    brand: 'kunal',
    location: 'location001',
    issuedAt: '2024-02-08T01:35:23.000Z',
    timeZone: 'America/Los_Angeles',
    order: { status: 'DELIVERED', type: 'delivery', deliveryCharge: 5, tips: 1 },
    shipTo: {
      street1: '156 2nd Street',
      city: 'San Francisco',
      state: 'CA',
      postalCode: '94105',
      countryCode: 'US',
    },
    lines: [{ sku: 'SKU-1', quantity: 2, price: 5, title: 'Runner' }],
    ...overrides,
  };
}

let sim: RunningSimulator;
let ds: DeliverySolutionsProvider;

beforeAll(async () => {
  sim = await startSim();
  ds = provider(sim.url);
});

afterAll(() => h.cleanup());

describe('Delivery Solutions with OAuth2 client credentials', () => {
  it('creates invoices with one token for several calls', async () => {
    const first = invoice();
    const result = await ds.createInvoice(first, { requestId: 'ds-create-1' });
    expect(result.providerInvoiceId).toMatch(/^[0-9a-f]{24}$/);
    expect(result).toMatchObject({ status: 'issued', issuedAt: '2024-02-08T01:35:23.000Z' });
    expect(result.raw).toMatchObject({
      id: result.providerInvoiceId,
      orderExternalId: first.reference,
      groupId: 'GAKunalA0089',
      brandExternalId: 'kunal',
      createdDate: 1707356123000,
      customer: { name: 'Kunal', phone: '+14155550100', userExternalId: 'u-1' },
      orderInfo: { orderValue: 10.43, status: 'DELIVERED', amount: 5, tips: 1 },
      deliveryAddress: { street1: '156 2nd Street', countryCode: 'US' },
      itemList: [{ sku: 'SKU-1', quantity: 2 }],
    });
    await ds.createInvoice(invoice(), {});
    await ds.createInvoice(invoice(), {});
    expect(await simRequests(sim.url, 'POST', TOKEN_PATH)).toHaveLength(1);
  });

  it('renews the token after the upstream expired it (401, then one retry)', async () => {
    const tokenCallsBefore = (await simRequests(sim.url, 'POST', TOKEN_PATH)).length;
    await simPost(sim.url, '/__sim/tokens/expire');
    const result = await ds.createInvoice(invoice(), { requestId: 'ds-renew' });
    expect(result.providerInvoiceId).toBeDefined();
    expect(await simRequests(sim.url, 'POST', TOKEN_PATH)).toHaveLength(tokenCallsBefore + 1);
    const attempts = audit.filter((e) => e.requestId === 'ds-renew').map((e) => e.status);
    expect(attempts).toEqual([401, 201]);
  });

  it('rejects a second create for the same orderExternalId (422 "Invoice already Exists"), sent once', async () => {
    const same = invoice();
    await ds.createInvoice(same, {});
    const error = await failure(ds.createInvoice(same, { requestId: 'ds-dup' }));
    expect(error).toMatchObject({
      kind: 'rejected',
      httpStatus: 422,
      code: 'INVALID_DATA',
      transient: false,
    });
    expect(error.message).toContain('Invoice already Exists');
    expect(isDsDuplicateInvoice(error)).toBe(true);
    expect(audit.filter((e) => e.requestId === 'ds-dup')).toHaveLength(1);
  });

  it('updates an invoice by its Delivery Solutions id', async () => {
    const created = await ds.createInvoice(invoice({ lines: [] }), {});
    const id = created.providerInvoiceId!;
    const updated = await ds.updateInvoice(
      id,
      {
        lines: [{ sku: 'SKU-9', quantity: 1, title: 'Sock', tags: ['late'] }],
        amount: 12,
        order: { status: 'RETURNED' },
      },
      {},
    );
    expect(updated.providerInvoiceId).toBe(id);
    expect(updated.raw).toMatchObject({
      id,
      itemList: [{ sku: 'SKU-9', quantity: 1, title: 'Sock', tags: ['late'] }],
      orderInfo: { orderValue: 12, status: 'RETURNED' },
    });
  });

  it('rejects an update of an unknown id with NOT_FOUND', async () => {
    const error = await failure(ds.updateInvoice('0123456789abcdef01234567', { lines: [] }, {}));
    expect(error).toMatchObject({ kind: 'rejected', httpStatus: 404, code: 'NOT_FOUND' });
  });

  it('keeps the upstream validation message (E.164) when local rules are bypassed', async () => {
    const error = await failure(ds.createInvoice(invoice({ party: { phone: '4155550100' } }), {}));
    expect(error).toMatchObject({ kind: 'rejected', httpStatus: 400, code: 'INVALID_DATA' });
    expect(error.message).toContain('E.164');
  });

  it('rejects GEOCODING_FAILED as hard and UNMAPPED_ERROR as transient', async () => {
    const geo = await failure(
      ds.createInvoice(
        invoice({ shipTo: { street1: 's', city: 'c', state: 'CA', postalCode: '00000' } }),
        {},
      ),
    );
    expect(geo).toMatchObject({ kind: 'rejected', code: 'GEOCODING_FAILED', transient: false });
    const unmapped = await failure(ds.createInvoice(invoice({ reference: 'SIM-UNMAPPED-1' }), {}));
    expect(unmapped).toMatchObject({
      kind: 'unavailable',
      code: 'UNMAPPED_ERROR',
      transient: true,
      httpStatus: 422,
    });
  });
});

describe('Delivery Solutions create retries', () => {
  it('sends a create again after a 429 (not processed) and succeeds', async () => {
    const own = await startSim();
    const flaky = provider(own.url);
    await simPost(own.url, '/__sim/faults', {
      path: INVOICES,
      method: 'POST',
      status: 429,
      retryAfterSeconds: 0,
      count: 1,
    });
    const result = await flaky.createInvoice(invoice(), {});
    expect(result.providerInvoiceId).toBeDefined();
    expect((await simRequests(own.url, 'POST', INVOICES)).map((r) => r.status)).toEqual([429, 201]);
  });

  it('does not repeat a create after a 503 or a timeout (it may have landed)', async () => {
    const own = await startSim();
    const flaky = provider(own.url, oauth(own.url), { ...HTTP, timeoutMs: 300 });
    await simPost(own.url, '/__sim/faults', {
      path: INVOICES,
      method: 'POST',
      status: 503,
      count: 1,
    });
    const unavailable = await failure(flaky.createInvoice(invoice(), {}));
    expect(unavailable).toMatchObject({ kind: 'unavailable', httpStatus: 503, transient: true });
    expect(await simRequests(own.url, 'POST', INVOICES)).toHaveLength(1);

    await simPost(own.url, '/__sim/faults', {
      path: INVOICES,
      method: 'POST',
      mode: 'hang',
      count: 1,
    });
    const timeout = await failure(flaky.createInvoice(invoice(), {}));
    expect(timeout).toMatchObject({ kind: 'timeout', transient: true });
    expect(await simRequests(own.url, 'POST', INVOICES)).toHaveLength(2);
  });

  it('retries an update (idempotent PUT) after a 503', async () => {
    const own = await startSim();
    const flaky = provider(own.url);
    const created = await flaky.createInvoice(invoice(), {});
    await simPost(own.url, '/__sim/faults', {
      path: INVOICES,
      method: 'PUT',
      status: 503,
      count: 1,
    });
    const updated = await flaky.updateInvoice(
      created.providerInvoiceId!,
      { groupReference: 'G-2' },
      {},
    );
    expect(updated.raw).toMatchObject({ groupId: 'G-2' });
    expect((await simRequests(own.url, 'PUT', INVOICES)).map((r) => r.status)).toEqual([503, 200]);
  });
});

describe('Delivery Solutions with API-key headers', () => {
  it('creates and updates with x-api-key + tenantid', async () => {
    const keyed = provider(sim.url, { apiKey: CREDS.apiKey, tenantId: CREDS.tenantId });
    const created = await keyed.createInvoice(invoice(), {});
    expect(created.raw).toMatchObject({ tenantId: CREDS.tenantId });
    const updated = await keyed.updateInvoice(
      created.providerInvoiceId!,
      { location: 'loc-2' },
      {},
    );
    expect(updated.raw).toMatchObject({ locationExternalId: 'loc-2' });
  });

  it('answers a wrong API key with one rejected 401', async () => {
    const own = await startSim();
    const wrong = provider(own.url, { apiKey: 'wrong-ds-key', tenantId: CREDS.tenantId });
    const error = await failure(wrong.createInvoice(invoice(), {}));
    expect(error).toMatchObject({ kind: 'rejected', httpStatus: 401, code: 'UNAUTHORIZED' });
    expect(await simRequests(own.url, 'POST', INVOICES)).toHaveLength(1);
  });
});

describeProviderContract('Delivery Solutions', h, {
  live: (baseUrl) => ({ baseUrl, ...oauth(baseUrl), http: HTTP }),
  exercise: async (mocked) => {
    const created = await mocked.createInvoice(invoice(), {});
    const updated = await mocked.updateInvoice(created.providerInvoiceId!, { brand: 'b2' }, {});
    expect(updated.raw).toMatchObject({ brandExternalId: 'b2' });
  },
  secrets: () => [CREDS.clientSecret, CREDS.apiKey, 'wrong-ds-key', ...tokensSeen],
  tokens: true,
});

describe('Delivery Solutions audit', () => {
  it('never records a secret or a token', () => {
    expect(audit.length).toBeGreaterThan(10);
    expect(tokensSeen.size).toBeGreaterThanOrEqual(2);
    const serialized = JSON.stringify(audit);
    for (const secret of [CREDS.clientSecret, CREDS.apiKey, 'wrong-ds-key', ...tokensSeen]) {
      expect(serialized).not.toContain(secret);
    }
  });
});
