import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendJson, startLocalServer } from '../../libs/auth-strategies/test-support/local-server';
import { type LoggedRequest, type RunningSimulator, defaultGepSmartOptions } from '@lib/simulators';
import { UpstreamError, UpstreamHttpFactory } from '@lib/upstream-http';
import { loadConfig } from '../../src/load-config';
import type { GepSmartSettings } from '../../src/providers/gep-smart/gep-smart.definition';
import { GepSmartProvider } from '../../src/providers/gep-smart/gep-smart.provider';
import { GEP_SMART_PATHS } from '../../src/providers/gep-smart/gep-smart.types';
import { describeProviderContract, providerHarness } from './provider-harness';
import type { Endpoint } from '../../src/providers/provider-definition';
import type {
  CreditMemoStatusItem,
  InvoiceStatusItem,
} from '../../src/providers/provider.contract';

/**
 * Contract tests: the GEP SMART provider over real HTTP against its simulator, built directly
 * (no Nest app), with the spec's examples.
 */

const AUTH_KEY = 'e2e-gep-smart-auth-key-7f3a';
/** The spec example's shared secret, so its credit-memo example is sent as printed. */
const SHARED_SECRET = 'Kellogg123';
const WRONG_SHARED_SECRET = 'not-the-shared-secret';
/** Every simulator token is a JWT with this header. */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** specs/gep-smart-invoice-status.txt, success scenario, in canonical terms. */
const invoiceSuccessExample: InvoiceStatusItem = {
  sourceSystem: '',
  documentNumber: 'DEV_Inv070918A',
  status: 'SentForPayment',
  lob: '',
  partnerCode: 'PC-1530698055599',
  invoiceDate: '2019-12-14T11:47:24.534Z',
  exceptionType: '',
};
/** specs/gep-smart-invoice-status.txt, error scenario. */
const invoiceErrorExample: InvoiceStatusItem = { ...invoiceSuccessExample, status: '' };

/** specs/gep-smart-credit-memo-status.txt, success scenario. */
const memoSuccessExample: CreditMemoStatusItem = {
  status: 'Cancelled',
  sourceSystem: 'Client Supplier code',
  documentNumber: 'CM90w',
  creditMemoDate: '2020-02-07T08:31:54.609Z',
  comment: { text: 'The MEMO HAS BEEN CANCELLED' },
  partnerCode: '0080000006',
  lob: 'KNA-SAP',
};
/** specs/gep-smart-credit-memo-status.txt, error scenario. */
const memoErrorExample: CreditMemoStatusItem = {
  ...memoSuccessExample,
  status: '',
  documentNumber: 'CM094W',
};

const exampleHeader = (sharedSecret: string) => ({
  from: { domain: 'Kellogg', identity: 'Kellogg' },
  to: { domain: 'Gep-Cumulus', identity: 'GEP' },
  sender: { domain: 'Kellogg', identity: 'Kellogg', sharedSecret, userAgent: 'Kellogg-Suite' },
});

const invoice = (documentNumber: string, change: Partial<InvoiceStatusItem> = {}) => ({
  documentNumber,
  status: 'ReadyForPayment',
  invoiceDate: '2026-01-15T10:00:00.000Z',
  partnerCode: 'PC-1',
  ...change,
});

function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key.toLowerCase(), lowerKeys(inner)]),
  );
}

const HTTP = { connectTimeoutMs: 1000, timeoutMs: 3000, deadlineMs: 6000, maxAttempts: 3 };
const h = providerHarness('gep-smart', GepSmartProvider.create, {
  http: HTTP,
  simulator: () => ({
    ...defaultGepSmartOptions(),
    authKey: AUTH_KEY,
    sharedSecret: SHARED_SECRET,
  }),
});
const live = (baseUrl: string): GepSmartSettings & { baseUrl: string } => ({
  baseUrl,
  tokenUrl: `${baseUrl}/token/gep`,
  authKey: AUTH_KEY,
  sharedSecret: SHARED_SECRET,
  fromDomain: 'Kellogg',
  fromIdentity: 'Kellogg',
  toDomain: 'Gep-Cumulus',
  toIdentity: 'GEP',
  senderDomain: 'Kellogg',
  senderIdentity: 'Kellogg',
  userAgent: 'Kellogg-Suite',
  http: {},
});

afterAll(() => h.cleanup());

describe('GEP SMART provider (contract, real HTTP against the simulator)', () => {
  let sim: RunningSimulator;
  const audit = h.audit;

  const endpoint = (change: Partial<GepSmartSettings> = {}): Endpoint<GepSmartSettings> => ({
    mode: 'live',
    settings: { ...live(sim.url), ...change },
    http: HTTP,
  });

  const build = (change: Partial<GepSmartSettings> = {}): GepSmartProvider =>
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

  it('sends the invoice-status success example as the spec prints it, and it is accepted', async () => {
    const provider = build();
    const result = await provider.postInvoiceStatuses([invoiceSuccessExample], {
      requestId: 'req-1',
    });
    expect(result.items).toEqual([{ key: 'DEV_Inv070918A', status: 'accepted', errors: [] }]);
    expect(result.raw).toEqual({
      data: null,
      statusCode: '200',
      errorDetails: [],
      successDetails: [{ key: 'DEV_Inv070918A' }],
    });
    const [sent] = await requests(GEP_SMART_PATHS.invoiceStatus);
    // GEP binds keys case-insensitively: the spec example, whatever its key case
    expect(lowerKeys(sent.body)).toEqual(
      lowerKeys({
        models: [
          {
            SourceSytemName: '',
            DocumentNumber: 'DEV_Inv070918A',
            documentstatusInfo: 'SentForPayment',
            LOB: '',
            ClientPartnerCode: 'PC-1530698055599',
            InvoiceDate: '2019-12-14T11:47:24.534Z',
            ExceptionType: '',
          },
        ],
      }),
    );
    expect(sent.headers.authorization).toBe('[REDACTED]');
    expect((sent.body as { models: object[] }).models[0]).not.toHaveProperty('header');
  });

  it('reports the invoice-status error example as a rejected item (HTTP 400 is a processed batch)', async () => {
    const result = await build().postInvoiceStatuses([invoiceErrorExample], {});
    expect(result.items).toEqual([
      {
        key: 'DEV_Inv070918A',
        status: 'rejected',
        errors: [
          {
            code: 'MandatoryField',
            message: 'There was an error in processing the Invoice Status as Type is mandatory',
          },
        ],
      },
    ]);
    expect(result.raw).toMatchObject({ data: null, statusCode: '400', successDetails: [] });
    const [sent] = await requests(GEP_SMART_PATHS.invoiceStatus);
    expect(sent.status).toBe(400);
  });

  it('sends the credit-memo success example with the configured header block, and it is accepted', async () => {
    const result = await build().postCreditMemoStatuses([memoSuccessExample], {});
    expect(result.items).toEqual([{ key: 'CM90w', status: 'accepted', errors: [] }]);
    const [sent] = await requests(GEP_SMART_PATHS.creditMemoStatus);
    // the simulator checked the real secret; its log shows it masked
    expect(sent.body).toEqual({
      models: [
        {
          documentStatus: 'Cancelled',
          sourceSytemName: 'Client Supplier code',
          documentNumber: 'CM90w',
          creditMemoDate: '2020-02-07T08:31:54.609Z',
          comments: { commentText: 'The MEMO HAS BEEN CANCELLED' },
          clientPartnerCode: '0080000006',
          lob: 'KNA-SAP',
          header: exampleHeader('[REDACTED]'),
        },
      ],
    });
  });

  it('reports the credit-memo error example as a rejected item', async () => {
    const result = await build().postCreditMemoStatuses([memoErrorExample], {});
    expect(result.items).toEqual([
      {
        key: 'CM094W',
        status: 'rejected',
        errors: [
          {
            code: 'MandatoryField',
            message: 'There was an error in processing the CreditMemo Status as Type is mandatory',
          },
        ],
      },
    ]);
  });

  it('a wrong shared secret gets every credit memo rejected by GEP', async () => {
    const result = await build({ sharedSecret: WRONG_SHARED_SECRET }).postCreditMemoStatuses(
      [memoSuccessExample, { ...memoSuccessExample, documentNumber: 'CM91' }],
      {},
    );
    expect(result.items.map((item) => [item.key, item.status, item.errors])).toEqual([
      ['CM90w', 'rejected', [{ code: 'DataValidation', message: 'Invalid Shared Secret' }]],
      ['CM91', 'rejected', [{ code: 'DataValidation', message: 'Invalid Shared Secret' }]],
    ]);
  });

  it('reads a large all-rejected batch (HTTP 400 over 64 KiB) as processed', async () => {
    const items = Array.from({ length: 100 }, (_, i) =>
      invoice(`INVALID-${'x'.repeat(400)}-${i}`, { status: '', partnerCode: '' }),
    );
    const result = await build().postInvoiceStatuses(items, {});
    expect(result.items).toHaveLength(100);
    expect(result.items.map((item) => item.key)).toEqual(items.map((item) => item.documentNumber));
    expect(
      result.items.every((item) => item.status === 'rejected' && item.errors.length === 3),
    ).toBe(true);
    expect(JSON.stringify(result.raw).length).toBeGreaterThan(64 * 1024);
  });

  it('keeps input order in a mixed batch, with each documented error on its item', async () => {
    const items = [
      invoice('INV-1'),
      invoice('INVALID-7'),
      invoice('PAID-3'),
      invoice('INV-2', { status: 'Exception', exceptionType: 'PriceMismatch' }),
      invoice('INV-3', { partnerCode: 'UNKNOWN-42' }),
      invoice('INV-4', { status: 'Teleported' }),
      invoice('INV-5', { exceptionType: 'PriceMismatch' }),
      invoice('INV-6', { invoiceDate: '2999-01-01T00:00:00.000Z' }),
    ];
    const result = await build().postInvoiceStatuses(items, {});
    expect(result.items.map((item) => item.key)).toEqual(items.map((item) => item.documentNumber));
    expect(result.items.map((item) => [item.status, ...item.errors.map((e) => e.message)])).toEqual(
      [
        ['accepted'],
        ['rejected', 'Invalid Invoice Number'],
        [
          'rejected',
          'Invoice Status cannot be updated as Invoice is already in paid with Remittance Status',
        ],
        ['accepted'],
        ['rejected', 'Invalid SupplierId: UNKNOWN-42'],
        [
          'rejected',
          'There was an error in processing the invoice status as Teleported is Invalid Invoice Status',
        ],
        ['rejected', 'Exception types cannot exist for Invoice Status: (ReadyForPayment)'],
        ['rejected', 'Invoice date cannot be greater than current date'],
      ],
    );
    expect(result.items[1].errors[0].code).toBe('DataValidation');
    const sent = await requests(GEP_SMART_PATHS.invoiceStatus);
    expect(sent).toHaveLength(1);
    expect(sent[0].status).toBe(200);
  });

  it('fetches the token once for several calls, and again after GEP expired it (401 -> one retry)', async () => {
    const provider = build();
    await provider.postInvoiceStatuses([invoice('INV-1')], {});
    await provider.postCreditMemoStatuses([memoSuccessExample], {});
    await Promise.all([
      provider.postInvoiceStatuses([invoice('INV-2')], {}),
      provider.postInvoiceStatuses([invoice('INV-3')], {}),
    ]);
    expect(await requests('/token/gep')).toHaveLength(1);

    await simPost('/__sim/tokens/expire');
    const result = await provider.postInvoiceStatuses([invoice('INV-4')], {});
    expect(result.items[0].status).toBe('accepted');
    const tokens = await requests('/token/gep');
    expect(tokens).toHaveLength(2);
    expect(
      tokens.every((t) => t.headers['gep-auth-key'] === '[REDACTED]' && t.status === 200),
    ).toBe(true);
    const calls = await requests(GEP_SMART_PATHS.invoiceStatus);
    expect(calls.slice(-2).map((c) => c.status)).toEqual([401, 200]);
  });

  it('a wrong auth key fails the call without reaching the batch endpoint', async () => {
    const error = await build({ authKey: 'wrong-auth-key' })
      .postInvoiceStatuses([invoice('INV-1')], {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      provider: 'gep-smart',
      code: 'TOKEN_ACQUISITION_FAILED',
      httpStatus: 403,
      transient: false,
    });
    expect((error as Error).message).not.toContain('wrong-auth-key');
    expect(await requests(GEP_SMART_PATHS.invoiceStatus)).toHaveLength(0);
  });

  it('retries a 503 and then reports the upstream unavailable', async () => {
    await simPost('/__sim/faults', { path: GEP_SMART_PATHS.invoiceStatus, status: 503 });
    const error = await build()
      .postInvoiceStatuses([invoice('INV-1')], {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      provider: 'gep-smart',
      kind: 'unavailable',
      httpStatus: 503,
      transient: true,
    });
    expect(await requests(GEP_SMART_PATHS.invoiceStatus)).toHaveLength(3);
  });

  it('recovers when a 503 clears before the retries run out', async () => {
    await simPost('/__sim/faults', { path: GEP_SMART_PATHS.invoiceStatus, status: 503, count: 1 });
    const result = await build().postInvoiceStatuses([invoice('INV-1')], {});
    expect(result.items[0].status).toBe('accepted');
    expect((await requests(GEP_SMART_PATHS.invoiceStatus)).map((r) => r.status)).toEqual([
      503, 200,
    ]);
  });

  it("whole-request failures are UpstreamErrors with GEP's own code and message", async () => {
    const provider = build();
    const serverError = await provider
      .postInvoiceStatuses([invoice('SIM-GEP-ERROR-1'), invoice('INV-1')], {})
      .catch((e: unknown) => e);
    expect(serverError).toMatchObject({
      provider: 'gep-smart',
      kind: 'unavailable',
      httpStatus: 500,
      transient: false,
    });
    expect((serverError as Error).message).toContain('An error has occurred.');

    // a 400 that reports on none of the items sent is a request-level refusal
    await simPost('/__sim/faults', {
      path: GEP_SMART_PATHS.invoiceStatus,
      status: 400,
      count: 1,
      body: {
        data: null,
        statusCode: '400',
        errorDetails: [
          {
            key: '',
            errors: [
              { errorCode: 'MandatoryField', errorDescription: 'InvoiceStatusModel is missing' },
            ],
          },
        ],
        successDetails: [],
      },
    });
    const refused = await provider
      .postInvoiceStatuses([invoice('INV-1')], {})
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({
      kind: 'rejected',
      httpStatus: 400,
      code: 'MandatoryField',
      transient: false,
    });
    expect((refused as Error).message).toContain('InvoiceStatusModel is missing');

    await simPost('/__sim/faults', { path: GEP_SMART_PATHS.invoiceStatus, status: 415, count: 1 });
    await expect(provider.postInvoiceStatuses([invoice('INV-1')], {})).rejects.toMatchObject({
      kind: 'rejected',
      httpStatus: 415,
    });
  });

  it('sends nothing for an empty batch', async () => {
    await expect(build().postInvoiceStatuses([], {})).resolves.toEqual({ items: [], raw: null });
    expect(await requests()).toHaveLength(0);
  });

  it('names its capabilities and keeps the circuit closed', () => {
    const provider = build();
    expect(provider.id).toBe('gep-smart');
    expect(provider.mode).toBe('live');
    expect([...provider.capabilities].sort()).toEqual([
      'credit-memo-status.post',
      'invoice-status.post',
    ]);
    expect(provider.circuitState()).toBe('closed');
  });

  it('never lets a secret into an audit entry', () => {
    expect(audit.length).toBeGreaterThan(10);
    const text = JSON.stringify(audit);
    for (const secret of [AUTH_KEY, SHARED_SECRET, WRONG_SHARED_SECRET, JWT_HEADER]) {
      expect(text).not.toContain(secret);
    }
    const memoCall = audit.find((entry) => entry.url.endsWith(GEP_SMART_PATHS.creditMemoStatus));
    expect(memoCall?.requestHeaders.authorization).toBe('[REDACTED]');
    expect(memoCall?.requestBody).toMatchObject({
      models: [{ header: { sender: { sharedSecret: '[REDACTED]' } } }],
    });
  });
});

describeProviderContract('GEP SMART', h, {
  live,
  probeError: 'ECONNREFUSED',
  exercise: async (provider) => {
    const invoices = await provider.postInvoiceStatuses(
      [invoice('INV-1'), invoice('INVALID-1')],
      {},
    );
    expect(invoices.items.map((item) => item.status)).toEqual(['accepted', 'rejected']);
    const memos = await provider.postCreditMemoStatuses([memoSuccessExample], {});
    expect(memos.items).toEqual([{ key: 'CM90w', status: 'accepted', errors: [] }]);
  },
  secrets: () => [AUTH_KEY, SHARED_SECRET, WRONG_SHARED_SECRET, JWT_HEADER],
  tokens: true,
});

describe('GEP SMART provider with a client certificate', () => {
  const fixtures = join(__dirname, '../../libs/auth-strategies/test-fixtures');

  it('presents the certificate on the token request and on the batch call', async () => {
    // a minimal GEP SMART over mutual TLS: it refuses any connection without a client certificate
    const server = await startLocalServer(
      (req, res) => {
        if (req.method === 'GET' && req.url === '/token/gep') {
          sendJson(res, 200, {
            Expires: 60,
            Token: 'mtls-token-1',
            StatusCode: 200,
            ErrorMessage: '',
          });
          return;
        }
        const [model] = (JSON.parse(req.body) as { models: { documentNumber: string }[] }).models;
        sendJson(res, 200, {
          data: null,
          statusCode: '200',
          errorDetails: [],
          successDetails: [{ key: model.documentNumber }],
        });
      },
      {
        cert: readFileSync(join(fixtures, 'server.pem')),
        key: readFileSync(join(fixtures, 'server.key')),
        ca: readFileSync(join(fixtures, 'ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      },
    );
    const factory = new UpstreamHttpFactory();
    const provider = GepSmartProvider.create(
      {
        mode: 'live',
        settings: {
          ...loadConfig({ NODE_ENV: 'test' }).providers['gep-smart'],
          baseUrl: server.url,
          tokenUrl: `${server.url}/token/gep`,
          authKey: AUTH_KEY,
          sharedSecret: SHARED_SECRET,
          clientCertFile: join(fixtures, 'client.pem'),
          clientKeyFile: join(fixtures, 'client.key'),
          caFile: join(fixtures, 'ca.pem'),
        },
        http: { maxAttempts: 1 },
      },
      { http: factory },
    );
    try {
      const result = await provider.postInvoiceStatuses([invoice('INV-TLS')], {});
      expect(result.items).toEqual([{ key: 'INV-TLS', status: 'accepted', errors: [] }]);
      expect(server.requests.map((r) => [r.method, r.url, r.clientCertCn])).toEqual([
        ['GET', '/token/gep', 'test-client'],
        ['POST', GEP_SMART_PATHS.invoiceStatus, 'test-client'],
      ]);
      expect(server.requests[0].headers['gep-auth-key']).toBe(AUTH_KEY);
      expect(server.requests[1].headers.authorization).toBe('Bearer mtls-token-1');
    } finally {
      provider.close();
      factory.onApplicationShutdown();
      await server.close();
    }
  });
});
