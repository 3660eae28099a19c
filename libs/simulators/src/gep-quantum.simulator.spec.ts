import {
  APIM_INVALID_KEY,
  APIM_INVALID_TOKEN,
  APIM_MISSING_KEY,
  createGepQuantumSimulator,
} from './gep-quantum.simulator';

const URL = '/leo-invoice-interface/api/v1/RemittanceDetails';
const APIM = { 'ocp-apim-subscription-key': 'sim-gep-subscription-key' };

describe('GEP Quantum simulator', () => {
  let clock = Date.parse('2026-03-01T12:00:00.000Z');
  const quantum = createGepQuantumSimulator({ now: () => clock, tokenTtlSeconds: 90 });

  async function token(): Promise<string> {
    const response = await quantum.app.inject({
      method: 'GET',
      url: '/SmartAuth2/Token',
      headers: { ...APIM, 'gep-auth-key': 'sim-gep-auth-key' },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ token: string }>().token;
  }
  const put = async (payload: unknown, headers?: Record<string, string>) =>
    quantum.app.inject({
      method: 'PUT',
      url: URL,
      headers: headers ?? { ...APIM, authorization: `Bearer ${await token()}` },
      payload: payload as object,
    });
  const item = (change: Record<string, unknown> = {}) => ({
    documentNumber: 'DOC-1',
    paymentReferenceNumber: 'PR-1',
    paymentRemittanceId: 'RM-1',
    paymentDate: '2026-02-20T00:00:00Z',
    grossAmount: 100.25,
    statusInfo: 'Paid',
    ...change,
  });
  const descriptions = (body: {
    returnValue: { errorDetails: { errors: { errorDescription: string }[] }[] };
  }) =>
    body.returnValue.errorDetails.flatMap((detail) => detail.errors.map((e) => e.errorDescription));

  beforeEach(() => {
    quantum.reset();
    clock = Date.parse('2026-03-01T12:00:00.000Z');
  });
  afterAll(() => quantum.app.close());

  describe('auth', () => {
    it('issues camelCase tokens with expires in minutes (90 s -> 1.5)', async () => {
      const response = await quantum.app.inject({
        method: 'GET',
        url: '/SmartAuth2/Token',
        headers: { ...APIM, 'gep-auth-key': 'sim-gep-auth-key' },
      });
      expect(response.json()).toEqual({
        expires: 1.5,
        token: expect.any(String) as unknown,
        statusCode: 200,
        errorMessage: '',
      });
    });

    it.each([
      ['missing', {}, APIM_MISSING_KEY],
      ['wrong', { 'ocp-apim-subscription-key': 'nope' }, APIM_INVALID_KEY],
    ])('refuses a %s subscription key with the APIM 401 body', async (_name, key, body) => {
      const tokenResponse = await quantum.app.inject({
        method: 'GET',
        url: '/SmartAuth2/Token',
        headers: { ...key, 'gep-auth-key': 'sim-gep-auth-key' },
      });
      expect(tokenResponse.statusCode).toBe(401);
      expect(tokenResponse.json()).toEqual(body);
      const call = await put([item()], { ...key, authorization: `Bearer ${await token()}` });
      expect(call.statusCode).toBe(401);
      expect(call.json()).toEqual(body);
    });

    it('mentions the missing subscription key as APIM does', () => {
      expect(APIM_MISSING_KEY.message).toMatch(/^Access denied due to missing subscription key\./);
    });

    it('refuses a wrong gep-auth-key with 403 camelCase', async () => {
      const response = await quantum.app.inject({
        method: 'GET',
        url: '/SmartAuth2/Token',
        headers: { ...APIM, 'gep-auth-key': 'nope' },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        expires: 0,
        token: null,
        statusCode: 403,
        errorMessage: 'Invalid gep-auth-key',
      });
    });

    it('refuses expired tokens (clock and /__sim/tokens/expire)', async () => {
      const issued = await token();
      const headers = { ...APIM, authorization: `Bearer ${issued}` };
      expect((await put([item()], headers)).statusCode).toBe(200);
      clock += 90_000;
      const late = await put([item()], headers);
      expect(late.statusCode).toBe(401);
      expect(late.json()).toEqual(APIM_INVALID_TOKEN);
      const fresh = { ...APIM, authorization: `Bearer ${await token()}` };
      await quantum.app.inject({ method: 'POST', url: '/__sim/tokens/expire' });
      expect((await put([item()], fresh)).statusCode).toBe(401);
    });
  });

  describe('remittance details', () => {
    it.each([
      [{ documentNumber: undefined }, 'Document Number or Supplier Document Number is Mandatory'],
      [{ documentNumber: 'INVALID-1' }, 'Invalid Document Number'],
      [{ supplierInvoiceNumber: 'INVALID-S' }, 'Invalid Supplier Invoice Number'],
      [{ batchId: 'INVALID-B' }, 'Invalid Batch ID'],
      [{ statusInfo: 'Teleported' }, 'Incorrect status: does not exist in the system'],
      [{ paymentReferenceNumber: '' }, 'Payment reference number is Mandatory'],
      [{ paymentRemittanceId: undefined }, 'Payment remittance id is Mandatory'],
      [{ paymentDate: '01/11/2021' }, 'Need to pass correct format'],
      [
        { documentNumber: 'PAID-7', statusInfo: 'Cancelled' },
        'Incorrect status: Cancelled cannot be updated as the status is Paid',
      ],
    ])('%j -> "%s"', async (change, description) => {
      const response = await put([item(change)]);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.isSuccess).toBe(false);
      expect(descriptions(body)).toEqual([description]);
      expect(body.returnValue.errorDetails[0].errors[0]).toMatchObject({
        documentURL: null,
        interfaceStatus: 'Failed',
      });
    });

    it('accepts a supplier invoice number instead of a document number', async () => {
      const response = await put([
        item({ documentNumber: undefined, supplierInvoiceNumber: 'S-1' }),
      ]);
      expect(response.json().isSuccess).toBe(true);
    });

    it('binds keys case-insensitively and echoes them in camelCase', async () => {
      const response = await put([
        {
          DocumentNumber: 'DOC-CI',
          PaymentReferenceNumber: 'PR',
          PAYMENTREMITTANCEID: 'RM',
          paymentdate: '2026-02-20T00:00:00Z',
          StatusInfo: 'paid',
        },
      ]);
      const detail = response.json().returnValue.successDetails[0];
      expect(detail).toMatchObject({ documentNumber: 'DOC-CI', paymentRemittanceId: 'RM' });
      expect(detail.success[0].documentStatus).toBe('Paid');
    });

    it('remembers the status: a paid document cannot go back', async () => {
      expect((await put([item()])).json().isSuccess).toBe(true);
      const back = await put([item({ statusInfo: 'SentForPayment' })]);
      expect(descriptions(back.json())).toEqual([
        'Incorrect status: SentForPayment cannot be updated as the status is Paid',
      ]);
    });

    it('reports a mixed batch per item', async () => {
      const response = await put([
        item({ documentNumber: 'A' }),
        item({ documentNumber: 'INVALID-B' }),
      ]);
      const body = response.json();
      expect(body.returnValue.successDetails).toHaveLength(1);
      expect(body.returnValue.errorDetails).toHaveLength(1);
      expect(body.returnValue.errorDetails[0].documentNumber).toBe('INVALID-B');
    });

    it('answers ASP.NET ProblemDetails for a non-array body or wrong JSON types', async () => {
      const object = await put(item());
      expect(object.statusCode).toBe(400);
      expect(object.json()).toMatchObject({
        title: 'One or more validation errors occurred.',
        status: 400,
        errors: { $: [expect.stringContaining('could not be converted') as unknown] },
      });
      const amount = await put([item({ grossAmount: '100.25' })]);
      expect(amount.statusCode).toBe(400);
      expect(Object.keys(amount.json().errors)).toEqual(['$[0].grossAmount']);
    });

    it('answers the exception envelope for the magic document number', async () => {
      const response = await put([item({ documentNumber: 'SIM-GEP-ERROR' })]);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({
        returnValue: null,
        isSuccess: false,
        errorMessage: 'Exception Occurred',
      });
    });

    it('gives each answer a new Kestrel-style correlationId', async () => {
      const first = (await put([item()])).json().correlationId as string;
      const second = (await put([item()])).json().correlationId as string;
      expect(first).toMatch(/^0HN[0-9A-V]{10}:[0-9A-F]{8}$/);
      expect(second.split(':')[0]).toBe(first.split(':')[0]);
      expect(second).not.toBe(first);
    });
  });
});
