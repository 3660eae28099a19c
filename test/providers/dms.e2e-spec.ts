import { defaultDmsOptions, type RunningSimulator } from '@lib/simulators';
import type { UpstreamHttpOverrides } from '../../src/providers/provider-definition';
import type { DmsSettings } from '../../src/providers/dms/dms.definition';
import { DmsProvider } from '../../src/providers/dms/dms.provider';
import type { CanonicalCreditNote, CanonicalInvoice } from '../../src/providers/provider.contract';
import { describeProviderContract, failure, providerHarness } from './provider-harness';

/**
 * Contract tests: the DMS provider against its simulator over real HTTP (no Nest app).
 */

const CREDS = {
  apiKey: 'dms-e2e-api-key-1f3a',
  username: 'dms-e2e-user',
  password: 'dms-e2e-pw-77c1',
};
const BASIC = Buffer.from(`${CREDS.username}:${CREDS.password}`).toString('base64');
const HTTP: UpstreamHttpOverrides = {
  connectTimeoutMs: 1000,
  timeoutMs: 2000,
  deadlineMs: 5000,
  maxAttempts: 3,
};

const h = providerHarness('dms', DmsProvider.fromEndpoint, {
  http: HTTP,
  simulator: () => ({ ...defaultDmsOptions(), ...CREDS }),
});
const audit = h.audit;
const startSim = () => h.startSim();
const simRequests = (url: string, path: string) => h.simRequests(url, path);
const addFault = (url: string, fault: Record<string, unknown>) => h.addFault(url, fault);

function provider(
  url: string,
  settings: Partial<DmsSettings> = { apiKey: CREDS.apiKey },
  http: UpstreamHttpOverrides = HTTP,
): DmsProvider {
  return h.provider({ ...settings, baseUrl: url, http }, http);
}

const specInvoice: CanonicalInvoice = {
  provider: 'dms',
  reference: 'REQ-2025-001234',
  party: { code: 'DLR001', name: 'ABC Motors' },
  amount: 150000,
  currency: 'INR',
  description: 'E-Invoice for claim request REQ-2025-001234',
  internalOrderNumber: 'IO-2025-001',
  taxes: { cgst: 0, sgst: 0, igst: 0, total: 0 },
};

let sim: RunningSimulator;
let dms: DmsProvider;

beforeAll(async () => {
  sim = await startSim();
  dms = provider(sim.url);
});

afterAll(() => h.cleanup());

describe('DMS e-invoice', () => {
  it('creates the spec example and keeps the upstream numbers', async () => {
    const result = await dms.createInvoice(specInvoice, { requestId: 'req-1' });
    expect(result).toMatchObject({
      providerInvoiceId: 'EINV-2025-001234',
      providerDocumentNumber: 'DMS-2025-001234',
      status: 'issued',
      documentUrl: 'https://dms.example.com/invoices/EINV-2025-001234',
    });
    expect(Number.isNaN(Date.parse(result.issuedAt ?? ''))).toBe(false);
    const entry = audit.find((e) => e.requestId === 'req-1');
    expect(entry).toMatchObject({
      provider: 'dms',
      operation: 'createInvoice',
      status: 200,
      outcome: 'success',
    });
    expect(entry?.requestBody).toMatchObject({
      request_number: 'REQ-2025-001234',
      dealer_code: 'DLR001',
    });
  });

  it('gives the same e-invoice for the same request sent twice (idempotent upstream)', async () => {
    const invoice = {
      ...specInvoice,
      reference: 'REQ-TEST-001',
      party: { code: 'TEST-DLR-001', name: 'Test Dealer' },
    };
    const first = await dms.createInvoice(invoice, {});
    const second = await dms.createInvoice(invoice, {});
    expect(second.providerInvoiceId).toBe(first.providerInvoiceId);
    expect(second.providerDocumentNumber).toBe(first.providerDocumentNumber);
  });

  it('rejects an unknown dealer with INVALID_DEALER_CODE, once, without retries', async () => {
    const error = await failure(
      dms.createInvoice(
        { ...specInvoice, reference: 'REQ-BAD-DEALER', party: { code: 'NOPE', name: 'Nobody' } },
        { requestId: 'req-bad-dealer' },
      ),
    );
    expect(error).toMatchObject({
      kind: 'rejected',
      transient: false,
      httpStatus: 400,
      code: 'INVALID_DEALER_CODE',
    });
    expect(error.message).toContain('Dealer code NOPE not found');
    expect(audit.filter((e) => e.requestId === 'req-bad-dealer')).toHaveLength(1);
  });

  it('rejects an unknown IO number with IO_NOT_FOUND', async () => {
    const error = await failure(
      dms.createInvoice(
        { ...specInvoice, reference: 'REQ-BAD-IO', internalOrderNumber: 'IO-NOPE' },
        {},
      ),
    );
    expect(error).toMatchObject({ kind: 'rejected', code: 'IO_NOT_FOUND' });
  });
});

describe('DMS credit note', () => {
  const invoice: CanonicalInvoice = {
    ...specInvoice,
    reference: 'REQ-2025-000777',
    party: { code: 'DLR002', name: 'Royal Riders Chennai' },
    amount: 5000,
    internalOrderNumber: undefined,
    taxes: { cgst: 450, sgst: 450, total: 900 },
  };
  let note: CanonicalCreditNote;

  beforeAll(async () => {
    const created = await dms.createInvoice(invoice, {});
    note = {
      provider: 'dms',
      reference: invoice.reference,
      providerInvoiceId: created.providerInvoiceId!,
      party: { code: 'DLR002', name: 'Royal Riders Chennai' },
      amount: 5000,
      reason: 'Claim settlement',
      description: 'Credit note for claim request REQ-2025-000777',
    };
  });

  it('rejects a credit note for an unknown e-invoice with INVOICE_NOT_FOUND', async () => {
    const error = await failure(
      dms.createCreditNote({ ...note, providerInvoiceId: 'EINV-NOPE-1' }, {}),
    );
    expect(error).toMatchObject({ kind: 'rejected', code: 'INVOICE_NOT_FOUND' });
  });

  it('rejects another dealer with DEALER_MISMATCH', async () => {
    const error = await failure(
      dms.createCreditNote({ ...note, party: { code: 'DLR001', name: 'ABC Motors' } }, {}),
    );
    expect(error).toMatchObject({ kind: 'rejected', code: 'DEALER_MISMATCH' });
  });

  it('rejects an amount above the invoice with INVALID_AMOUNT', async () => {
    const error = await failure(dms.createCreditNote({ ...note, amount: 5000.01 }, {}));
    expect(error).toMatchObject({ kind: 'rejected', code: 'INVALID_AMOUNT' });
  });

  it('creates the credit note, repeats it idempotently, then refuses a different one', async () => {
    const result = await dms.createCreditNote(note, {});
    expect(result).toMatchObject({ status: 'issued', amount: 5000 });
    expect(result.providerCreditNoteId).toMatch(/^CN-/);
    expect(result.documentUrl).toContain(result.providerCreditNoteId);
    const again = await dms.createCreditNote(note, {});
    expect(again.providerCreditNoteId).toBe(result.providerCreditNoteId);

    const error = await failure(
      dms.createCreditNote({ ...note, amount: 100, reason: 'Adjustment' }, {}),
    );
    expect(error).toMatchObject({ kind: 'rejected', code: 'CREDIT_NOTE_EXISTS' });
  });
});

describe('DMS authentication', () => {
  it('works with Basic username/password when no API key is set', async () => {
    const basic = provider(sim.url, { username: CREDS.username, password: CREDS.password });
    const result = await basic.createInvoice(
      { ...specInvoice, reference: 'REQ-BASIC-1' },
      { requestId: 'basic' },
    );
    expect(result.providerInvoiceId).toBeDefined();
  });

  it('answers a wrong key with one rejected 401, no retry storm', async () => {
    const own = await startSim();
    const wrong = provider(own.url, { apiKey: 'not-the-key' });
    const error = await failure(
      wrong.createInvoice({ ...specInvoice, reference: 'REQ-WRONG-KEY' }, {}),
    );
    expect(error).toMatchObject({
      kind: 'rejected',
      httpStatus: 401,
      transient: false,
      code: 'UNAUTHORIZED',
    });
    expect(await simRequests(own.url, '/api/invoices/generate')).toHaveLength(1);
    expect(wrong.circuitState()).toBe('closed');
  });
});

describe('DMS transient failures', () => {
  it('retries a 503 and ends unavailable after the configured attempts', async () => {
    const own = await startSim();
    const flaky = provider(own.url);
    await addFault(own.url, { path: '/api/invoices/generate', status: 503 });
    const error = await failure(flaky.createInvoice({ ...specInvoice, reference: 'REQ-503' }, {}));
    expect(error).toMatchObject({ kind: 'unavailable', transient: true, httpStatus: 503 });
    expect(await simRequests(own.url, '/api/invoices/generate')).toHaveLength(3);
  });

  it('recovers when the 503 passes before the attempts run out', async () => {
    const own = await startSim();
    const flaky = provider(own.url);
    await addFault(own.url, { path: '/api/invoices/generate', status: 503, count: 1 });
    const result = await flaky.createInvoice({ ...specInvoice, reference: 'REQ-503-ONCE' }, {});
    expect(result.providerInvoiceId).toBe('EINV-503-ONCE');
    expect((await simRequests(own.url, '/api/invoices/generate')).map((r) => r.status)).toEqual([
      503, 200,
    ]);
  });

  it('retries DMS_SERVICE_ERROR (500) as transient and keeps its code', async () => {
    const own = await startSim();
    const flaky = provider(own.url);
    const error = await failure(
      flaky.createInvoice({ ...specInvoice, reference: 'SIM-DMS-ERROR-1' }, {}),
    );
    expect(error).toMatchObject({
      kind: 'unavailable',
      transient: true,
      httpStatus: 500,
      code: 'DMS_SERVICE_ERROR',
    });
    expect(await simRequests(own.url, '/api/invoices/generate')).toHaveLength(3);
  });
});

describeProviderContract('DMS', h, {
  live: (baseUrl) => ({ baseUrl, apiKey: CREDS.apiKey, http: HTTP }),
  exercise: async (mocked) => {
    const result = await mocked.createInvoice({ ...specInvoice, reference: 'REQ-MOCK-1' }, {});
    expect(result.providerInvoiceId).toBe('EINV-MOCK-1');
  },
  secrets: () => [CREDS.apiKey, CREDS.password, BASIC, 'not-the-key'],
  tokens: false,
});
