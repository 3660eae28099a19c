import {
  type LoggedRequest,
  type RunningSimulator,
  defaultGepQuantumOptions,
} from '@lib/simulators';
import { UpstreamError } from '@lib/upstream-http';
import type { GepQuantumSettings } from '../../src/providers/gep-quantum/gep-quantum.definition';
import { GepQuantumProvider } from '../../src/providers/gep-quantum/gep-quantum.provider';
import { GEP_QUANTUM_PATHS } from '../../src/providers/gep-quantum/gep-quantum.types';
import type { Endpoint } from '../../src/providers/provider-definition';
import type { RemittanceItem } from '../../src/providers/provider.contract';
import { describeProviderContract, providerHarness } from './provider-harness';

/**
 * Contract tests: the GEP Quantum provider over real HTTP against its simulator, built directly
 * (no Nest app).
 */

const AUTH_KEY = 'e2e-gep-quantum-auth-key-51c9';
const SUBSCRIPTION_KEY = 'e2e-apim-subscription-key-0d2e';
const TOKEN_PATH = '/SmartAuth2/Token';
const DOCUMENT_BASE_URL = 'https://leo.gep.example.com/documents';
/** Every simulator token is a JWT with this header. */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

let sequence = 0;
/** A remittance the simulator accepts; each gets its own remittance id. */
function remittance(
  change: Partial<RemittanceItem> = {},
  payment: Partial<RemittanceItem['payment']> = {},
): RemittanceItem {
  sequence += 1;
  return {
    documentNumber: `INV-${sequence}`,
    status: 'Paid',
    ...change,
    payment: {
      referenceNumber: `PAY-${sequence}`,
      remittanceId: `REM-${sequence}`,
      method: 'ACH',
      date: '2021-11-01T00:00:00Z',
      grossAmount: 1000.5,
      netAmount: 990.25,
      discountAmount: 10.25,
      adjustmentAmount: 0,
      currency: 'USD',
      ...payment,
    },
  };
}

const HTTP = { connectTimeoutMs: 1000, timeoutMs: 3000, deadlineMs: 6000, maxAttempts: 3 };
const h = providerHarness('gep-quantum', GepQuantumProvider.create, {
  http: HTTP,
  simulator: () => ({
    ...defaultGepQuantumOptions(),
    authKey: AUTH_KEY,
    subscriptionKey: SUBSCRIPTION_KEY,
    documentBaseUrl: DOCUMENT_BASE_URL,
  }),
});
const live = (baseUrl: string): GepQuantumSettings & { baseUrl: string } => ({
  baseUrl,
  tokenUrl: `${baseUrl}${TOKEN_PATH}`,
  authKey: AUTH_KEY,
  subscriptionKey: SUBSCRIPTION_KEY,
  http: {},
});

afterAll(() => h.cleanup());

describe('GEP Quantum provider (contract, real HTTP against the simulator)', () => {
  let sim: RunningSimulator;
  const audit = h.audit;

  const endpoint = (change: Partial<GepQuantumSettings> = {}): Endpoint<GepQuantumSettings> => ({
    mode: 'live',
    settings: { ...live(sim.url), ...change },
    http: HTTP,
  });

  const build = (change: Partial<GepQuantumSettings> = {}): GepQuantumProvider =>
    h.provider(endpoint(change).settings);

  const simPost = async (path: string, body?: unknown): Promise<void> => {
    const res = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    expect(res.ok).toBe(true);
  };
  const requests = (path?: string): Promise<LoggedRequest[]> => h.simRequests(sim.url, path);

  beforeAll(async () => {
    sim = await h.startSim();
  });

  beforeEach(() => sim.reset());

  it('PUTs the spec payload (a top-level array) and reports the success details', async () => {
    const item = remittance(
      { documentNumber: 'INV-1001', sourceSystem: 'SAP', batchId: 'B-7', comment: 'paid in full' },
      { referenceNumber: 'PAY-1001', remittanceId: 'REM-1001' },
    );
    const result = await build().postRemittances([item], { requestId: 'req-q1' });
    expect(result.items).toEqual([
      {
        key: 'INV-1001',
        status: 'accepted',
        documentStatus: 'Paid',
        interfaceStatus: 'Processed',
        documentUrl: `${DOCUMENT_BASE_URL}/INV-1001`,
        errors: [],
        correlationId: (result.raw as { correlationId: string }).correlationId,
      },
    ]);
    expect(result.raw).toMatchObject({
      isSuccess: true,
      correlationId: expect.stringMatching(/^0HN\w{10}:[0-9A-F]{8}$/) as unknown,
    });

    const [sent] = await requests(GEP_QUANTUM_PATHS.remittance);
    expect(sent.method).toBe('PUT');
    expect(sent.body).toEqual([
      {
        documentNumber: 'INV-1001',
        sourceSystemName: 'SAP',
        batchId: 'B-7',
        paymentReferenceNumber: 'PAY-1001',
        paymentRemittanceId: 'REM-1001',
        paymentMethod: 'ACH',
        paymentDate: '2021-11-01T00:00:00.000Z',
        grossAmount: 1000.5,
        netAmount: 990.25,
        discountAmount: 10.25,
        adjustmentAmount: 0,
        currency: 'USD',
        statusInfo: 'Paid',
        comments: { commentText: 'paid in full' },
      },
    ]);
  });

  it('sends the subscription key on the token request and on every call, the auth key only for the token', async () => {
    await build().postRemittances([remittance()], {});
    const [token] = await requests(TOKEN_PATH);
    expect(token.method).toBe('GET');
    expect(token.headers).toMatchObject({
      'ocp-apim-subscription-key': '[REDACTED]',
      'gep-auth-key': '[REDACTED]',
    });
    const [call] = await requests(GEP_QUANTUM_PATHS.remittance);
    expect(call.headers).toMatchObject({
      'ocp-apim-subscription-key': '[REDACTED]',
      authorization: '[REDACTED]',
    });
    expect(call.headers).not.toHaveProperty('gep-auth-key');
    expect(call.status).toBe(200);
  });

  it.each([
    [
      'no identifier at all',
      { documentNumber: undefined },
      {},
      'MandatoryField',
      'Document Number or Supplier Document Number is Mandatory',
    ],
    [
      'an invalid document number',
      { documentNumber: 'INVALID-9' },
      {},
      'DataValidation',
      'Invalid Document Number',
    ],
    [
      'an invalid supplier invoice number',
      { documentNumber: undefined, supplierInvoiceNumber: 'INVALID-S' },
      {},
      'DataValidation',
      'Invalid Supplier Invoice Number',
    ],
    [
      'an invalid batch id',
      { documentNumber: undefined, batchId: 'INVALID-B' },
      {},
      'DataValidation',
      'Invalid Batch ID',
    ],
    [
      'an unknown status',
      { status: 'Teleported' },
      {},
      'DataValidation',
      'Incorrect status: does not exist in the system',
    ],
    [
      'a status change on a paid document',
      { documentNumber: 'PAID-1', status: 'Cancelled' },
      {},
      'DataValidation',
      'Incorrect status: Cancelled cannot be updated as the status is Paid',
    ],
    [
      'no payment reference number',
      {},
      { referenceNumber: '' },
      'MandatoryField',
      'Payment reference number is Mandatory',
    ],
    [
      'no payment remittance id',
      {},
      { remittanceId: '' },
      'MandatoryField',
      'Payment remittance id is Mandatory',
    ],
    [
      'a payment date GEP cannot read',
      {},
      { date: '01/11/2021' },
      'DataValidation',
      'Need to pass correct format',
    ],
  ])(
    "reports %s as a rejected item with GEP's code and text",
    async (_name, change, payment, code, message) => {
      const result = await build().postRemittances([remittance(change, payment)], {});
      expect(result.items).toHaveLength(1);
      expect(result.items[0]).toMatchObject({ status: 'rejected', interfaceStatus: 'Failed' });
      expect(result.items[0].errors).toEqual([{ code, message }]);
      expect(result.items[0]).not.toHaveProperty('documentUrl');
      expect(result.raw).toMatchObject({ isSuccess: false });
    },
  );

  it('keeps input order in a mixed batch (isSuccess false is still a processed batch)', async () => {
    const items = [
      remittance({ documentNumber: 'INV-A' }),
      remittance({ documentNumber: 'INVALID-B' }),
      remittance({ documentNumber: undefined, supplierInvoiceNumber: 'SUP-C' }),
      remittance({ documentNumber: undefined, clientSupplierCode: 'CSC-D' }),
      remittance({ documentNumber: 'INV-A' }, { remittanceId: 'REM-A-2' }),
      remittance({ documentNumber: undefined, batchId: 'BATCH-E' }, { referenceNumber: '' }),
    ];
    const result = await build().postRemittances(items, {});
    expect(result.raw).toMatchObject({ isSuccess: false });
    expect(result.items.map((r) => [r.key, r.status, r.errors.map((e) => e.message)])).toEqual([
      ['INV-A', 'accepted', []],
      ['INVALID-B', 'rejected', ['Invalid Document Number']],
      ['SUP-C', 'accepted', []],
      ['CSC-D', 'rejected', ['Source System Name is Mandatory']],
      ['INV-A', 'accepted', []],
      ['BATCH-E', 'rejected', ['Payment reference number is Mandatory']],
    ]);
    expect(result.items[2].documentUrl).toBe(`${DOCUMENT_BASE_URL}/SUP-C`);
    expect(await requests(GEP_QUANTUM_PATHS.remittance)).toHaveLength(1);
  });

  it('fetches the token once for several calls, and again after GEP expired it (401 -> one retry)', async () => {
    const provider = build();
    await provider.postRemittances([remittance()], {});
    await Promise.all([
      provider.postRemittances([remittance()], {}),
      provider.postRemittances([remittance()], {}),
    ]);
    expect(await requests(TOKEN_PATH)).toHaveLength(1);

    await simPost('/__sim/tokens/expire');
    const result = await provider.postRemittances([remittance()], {});
    expect(result.items[0].status).toBe('accepted');
    expect(await requests(TOKEN_PATH)).toHaveLength(2);
    const calls = await requests(GEP_QUANTUM_PATHS.remittance);
    expect(calls.slice(-2).map((c) => c.status)).toEqual([401, 200]);
  });

  it('a wrong subscription key fails the call at the token request (APIM 401)', async () => {
    const error = await build({ subscriptionKey: 'wrong-subscription-key' })
      .postRemittances([remittance()], {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      provider: 'gep-quantum',
      code: 'TOKEN_ACQUISITION_FAILED',
      httpStatus: 401,
      transient: false,
    });
    expect((error as Error).message).not.toContain('wrong-subscription-key');
    expect(await requests(GEP_QUANTUM_PATHS.remittance)).toHaveLength(0);
  });

  it('retries a 503 and then reports the upstream unavailable', async () => {
    await simPost('/__sim/faults', { path: GEP_QUANTUM_PATHS.remittance, status: 503 });
    const error = await build()
      .postRemittances([remittance()], {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      provider: 'gep-quantum',
      kind: 'unavailable',
      httpStatus: 503,
      transient: true,
    });
    expect(await requests(GEP_QUANTUM_PATHS.remittance)).toHaveLength(3);
  });

  it("whole-request failures are UpstreamErrors with the upstream's own code and message", async () => {
    const provider = build();
    const exception = await provider
      .postRemittances([remittance({ documentNumber: 'SIM-GEP-ERROR-1' }), remittance()], {})
      .catch((e: unknown) => e);
    expect(exception).toBeInstanceOf(UpstreamError);
    expect(exception).toMatchObject({ kind: 'unavailable', httpStatus: 500, transient: false });
    expect((exception as UpstreamError).correlationId).toMatch(/^\S+:\d+$/);
    expect((exception as Error).message).toContain('Exception Occurred');

    // binding failure: a non-decimal amount fails the whole request (ASP.NET ProblemDetails)
    const bad = remittance({}, { grossAmount: '10' as unknown as number });
    const binding = await provider.postRemittances([bad], {}).catch((e: unknown) => e);
    expect(binding).toMatchObject({ kind: 'rejected', httpStatus: 400, transient: false });
    expect((binding as Error).message).toContain('could not be converted to System.Decimal');

    // a 200 whose returnValue is null is not a processed batch: the upstream failed (502)
    await simPost('/__sim/faults', {
      path: GEP_QUANTUM_PATHS.remittance,
      status: 200,
      count: 1,
      body: {
        returnValue: null,
        isSuccess: false,
        errors: null,
        exception: null,
        errorMessage: 'Exception Occurred',
        errorCode: 'LEO-500',
        correlationId: '0HN52BAMD1GUV:00000009',
      },
    });
    await expect(provider.postRemittances([remittance()], {})).rejects.toMatchObject({
      kind: 'unavailable',
      httpStatus: 200,
      code: 'LEO-500',
    });
  });

  it('the local rules catch what would fail the whole batch', () => {
    const provider = build();
    const now = new Date();
    expect(
      provider.validateRemittance(remittance({}, { grossAmount: '10' as unknown as number }), now),
    ).toEqual([
      {
        code: 'DataValidation',
        message: 'grossAmount must be a decimal number',
        path: 'payment.grossAmount',
      },
    ]);
    expect(provider.validateRemittance(remittance(), now)).toEqual([]);
  });

  it('names its capability and keeps the circuit closed', () => {
    const provider = build();
    expect(provider.id).toBe('gep-quantum');
    expect(provider.mode).toBe('live');
    expect([...provider.capabilities]).toEqual(['remittance.post']);
    expect(provider.circuitState()).toBe('closed');
  });

  it('never lets a secret into an audit entry', () => {
    expect(audit.length).toBeGreaterThan(10);
    const text = JSON.stringify(audit);
    for (const secret of [AUTH_KEY, SUBSCRIPTION_KEY, JWT_HEADER]) {
      expect(text).not.toContain(secret);
    }
    const call = audit.find((entry) => entry.url.endsWith(GEP_QUANTUM_PATHS.remittance));
    expect(call?.requestHeaders).toMatchObject({
      authorization: '[REDACTED]',
      'ocp-apim-subscription-key': '[REDACTED]',
    });
  });
});

describeProviderContract('GEP Quantum', h, {
  live,
  probeError: 'ECONNREFUSED',
  exercise: async (provider) => {
    const result = await provider.postRemittances(
      [remittance({ documentNumber: 'INV-M1' }), remittance({ documentNumber: 'INVALID-M2' })],
      {},
    );
    expect(result.items.map((item) => [item.key, item.status])).toEqual([
      ['INV-M1', 'accepted'],
      ['INVALID-M2', 'rejected'],
    ]);
  },
  secrets: () => [AUTH_KEY, SUBSCRIPTION_KEY, JWT_HEADER],
  tokens: true,
});
