import { createGepSmartSimulator, GEP_SMART_UNAUTHORIZED } from './gep-smart.simulator';

const INVOICE_URL = '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails';
const CREDIT_MEMO_URL = '/SmartInterfaceAPI/api/Invoice/CreditMemoStatusBatch';

describe('GEP SMART simulator', () => {
  let clock = Date.parse('2026-03-01T12:00:00.000Z');
  const smart = createGepSmartSimulator({ now: () => clock, tokenTtlSeconds: 120 });

  async function token(): Promise<string> {
    const response = await smart.app.inject({
      method: 'GET',
      url: '/token/gep',
      headers: { 'gep-auth-key': 'sim-gep-auth-key' },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ Token: string }>().Token;
  }
  const post = async (url: string, payload: unknown, bearer?: string) =>
    smart.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${bearer ?? (await token())}` },
      payload: payload as object,
    });

  const model = (change: Record<string, unknown> = {}) => ({
    sourceSytemName: 'SAP',
    documentNumber: 'INV-100',
    documentstatusInfo: 'ReadyForPayment',
    clientPartnerCode: 'PC-1',
    invoiceDate: '2026-02-01T00:00:00.000Z',
    ...change,
  });
  const header = (sender: Record<string, unknown> = {}) => ({
    from: { domain: 'Acme', identity: 'Acme' },
    to: { domain: 'Gep-Cumulus', identity: 'GEP' },
    sender: {
      domain: 'Acme',
      identity: 'Acme',
      sharedSecret: 'sim-gep-shared-secret',
      userAgent: 'Acme-Suite',
      ...sender,
    },
  });
  const memo = (change: Record<string, unknown> = {}) => ({
    documentStatus: 'Cancelled',
    documentNumber: 'CM-1',
    creditMemoDate: '2026-02-01T00:00:00.000Z',
    clientPartnerCode: 'PC-1',
    header: header(),
    ...change,
  });
  const errorsOf = (body: { errorDetails: { errors: { errorDescription: string }[] }[] }) =>
    body.errorDetails.flatMap((detail) => detail.errors.map((error) => error.errorDescription));

  beforeEach(() => {
    smart.reset();
    clock = Date.parse('2026-03-01T12:00:00.000Z');
  });
  afterAll(() => smart.app.close());

  describe('token', () => {
    it('answers PascalCase with Expires in minutes', async () => {
      const response = await smart.app.inject({
        method: 'GET',
        url: '/token/gep',
        headers: { 'gep-auth-key': 'sim-gep-auth-key' },
      });
      expect(response.json()).toEqual({
        Expires: 2,
        Token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as unknown,
        StatusCode: 200,
        ErrorMessage: '',
      });
    });

    it.each([
      ['wrong', { 'gep-auth-key': 'nope' }, 'Invalid gep-auth-key'],
      ['missing', {}, 'gep-auth-key header is missing'],
    ])('refuses a %s gep-auth-key with 403', async (_name, headers, message) => {
      const response = await smart.app.inject({ method: 'GET', url: '/token/gep', headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        Expires: 0,
        Token: null,
        StatusCode: 403,
        ErrorMessage: message,
      });
    });

    it('refuses unknown, expired (clock) and force-expired tokens with the 401 body', async () => {
      const unknown = await post(INVOICE_URL, { models: [model()] }, 'not-a-token');
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json()).toEqual(GEP_SMART_UNAUTHORIZED);

      const issued = await token();
      expect((await post(INVOICE_URL, { models: [model()] }, issued)).statusCode).toBe(200);
      clock += 120_000;
      expect((await post(INVOICE_URL, { models: [model()] }, issued)).statusCode).toBe(401);

      const fresh = await token();
      const expired = await smart.app.inject({ method: 'POST', url: '/__sim/tokens/expire' });
      expect(expired.json()).toEqual({ expired: 1 });
      const refused = await post(INVOICE_URL, { models: [model()] }, fresh);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual(GEP_SMART_UNAUTHORIZED);
    });
  });

  describe('invoice status', () => {
    it('binds keys case-insensitively', async () => {
      const response = await post(INVOICE_URL, {
        Models: [
          {
            DOCUMENTNUMBER: 'INV-CASE',
            DocumentStatusInfo: 'sentforpayment',
            clientpartnercode: 'PC-1',
            InvoiceDate: '2026-02-01T00:00:00.000Z',
          },
        ],
      });
      expect(response.json()).toMatchObject({
        statusCode: '200',
        successDetails: [{ key: 'INV-CASE' }],
      });
    });

    it('ignores the correct spelling sourceSystemName but reads sourceSytemName', async () => {
      const response = await post(INVOICE_URL, {
        models: [model({ sourceSytemName: 'INVALID-SYS', sourceSystemName: 'SAP' })],
      });
      expect(errorsOf(response.json())).toEqual(['Invalid source system']);
    });

    it.each([
      [{ documentNumber: '' }, 'MandatoryField', 'Document Number is mandatory'],
      [{ documentNumber: 'INVALID-42' }, 'DataValidation', 'Invalid Invoice Number'],
      [{ documentNumber: 'DEV_Inv_INVALID' }, 'DataValidation', 'Invalid Invoice Number'],
      [
        { documentNumber: 'PAID-1' },
        'DataValidation',
        'Invoice Status cannot be updated as Invoice is already in paid with Remittance Status',
      ],
      [
        { documentstatusInfo: 'Shipped' },
        'DataValidation',
        'There was an error in processing the invoice status as Shipped is Invalid Invoice Status',
      ],
      [
        { documentstatusInfo: 3 },
        'DataValidation',
        'There was an error in processing the invoice status as 3 is wrong Enum value',
      ],
      [{ clientPartnerCode: '' }, 'MandatoryField', 'Client partner code is mandatory'],
      [{ clientPartnerCode: 'INVALID-PC' }, 'DataValidation', 'Invalid client partner code'],
      [{ clientPartnerCode: 'UNKNOWN-9' }, 'DataValidation', 'Invalid SupplierId: UNKNOWN-9'],
      [{ invoiceDate: undefined }, 'MandatoryField', 'Invoice Date is mandatory'],
      [
        { invoiceDate: '2026-03-01T12:00:01.000Z' },
        'DataValidation',
        'Invoice date cannot be greater than current date',
      ],
      [
        { documentstatusInfo: 'Exception' },
        'DataValidation',
        'Exception types cannot be empty for Invoice Status',
      ],
      [
        { exceptionType: 'PriceMismatch' },
        'DataValidation',
        'Exception types cannot exist for Invoice Status: (ReadyForPayment)',
      ],
    ])('%j -> %s "%s"', async (change, errorCode, errorDescription) => {
      const response = await post(INVOICE_URL, { models: [model(change)] });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        data: null,
        statusCode: '400',
        errorDetails: [
          {
            key: (change as { documentNumber?: string }).documentNumber ?? 'INV-100',
            errors: [{ errorCode, errorDescription }],
          },
        ],
        successDetails: [],
      });
    });

    it('accepts an item without clientPartnerCode on a tenant with isPartnerInvNoForPayment=0', async () => {
      const lenient = createGepSmartSimulator({ partnerInvNoForPayment: false });
      try {
        const auth = await lenient.app.inject({
          method: 'GET',
          url: '/token/gep',
          headers: { 'gep-auth-key': 'sim-gep-auth-key' },
        });
        const bearer = auth.json<{ Token: string }>().Token;
        const post = (url: string, payload: object) =>
          lenient.app.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${bearer}` },
            payload,
          });
        const invoice = await post(INVOICE_URL, { models: [model({ clientPartnerCode: '' })] });
        expect(invoice.json()).toMatchObject({
          errorDetails: [],
          successDetails: [{ key: 'INV-100' }],
        });
        const credit = await post(CREDIT_MEMO_URL, {
          models: [memo({ clientPartnerCode: undefined })],
        });
        expect(credit.json()).toMatchObject({
          errorDetails: [],
          successDetails: [{ key: 'CM-1' }],
        });
      } finally {
        await lenient.app.close();
      }
    });

    it('accepts Exception with an exception type', async () => {
      const response = await post(INVOICE_URL, {
        models: [model({ documentstatusInfo: 'Exception', exceptionType: 'PriceMismatch' })],
      });
      expect(response.statusCode).toBe(200);
    });

    it('reports per-model results in a mixed batch with statusCode "200"', async () => {
      const response = await post(INVOICE_URL, {
        models: [model({ documentNumber: 'OK-1' }), model({ documentNumber: 'INVALID-2' })],
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        data: null,
        statusCode: '200',
        errorDetails: [
          {
            key: 'INVALID-2',
            errors: [{ errorCode: 'DataValidation', errorDescription: 'Invalid Invoice Number' }],
          },
        ],
        successDetails: [{ key: 'OK-1' }],
      });
    });

    it.each([[{}], [{ models: [] }], [undefined]])(
      '%j -> InvoiceStatusModel is missing',
      async (body) => {
        const response = await post(INVOICE_URL, body);
        expect(response.statusCode).toBe(400);
        expect(errorsOf(response.json())).toEqual(['InvoiceStatusModel is missing']);
      },
    );

    it('answers 415 for a non-JSON body and 500 for the magic document number', async () => {
      const media = await smart.app.inject({
        method: 'POST',
        url: INVOICE_URL,
        headers: { authorization: `Bearer ${await token()}`, 'content-type': 'text/plain' },
        payload: 'models',
      });
      expect(media.statusCode).toBe(415);
      expect(media.json().Message).toContain("'text/plain' is not supported");
      const crash = await post(INVOICE_URL, {
        models: [model({ documentNumber: 'SIM-GEP-ERROR' })],
      });
      expect(crash.statusCode).toBe(500);
      expect(crash.json()).toEqual({ Message: 'An error has occurred.' });
    });
  });

  describe('credit-memo status', () => {
    it('accepts a valid header', async () => {
      const response = await post(CREDIT_MEMO_URL, { models: [memo()] });
      expect(response.json()).toMatchObject({
        statusCode: '200',
        successDetails: [{ key: 'CM-1' }],
      });
    });

    it.each([
      [{ header: header({ sharedSecret: 'wrong' }) }, 'DataValidation', 'Invalid Shared Secret'],
      [{ header: header({ sharedSecret: '' }) }, 'MandatoryField', 'Shared Secret is mandatory'],
      [{ header: header({ userAgent: undefined }) }, 'MandatoryField', 'User Agent is mandatory'],
      [{ header: undefined }, 'MandatoryField', 'Header mandatory'],
      [{ header: { ...header(), from: undefined } }, 'MandatoryField', 'From is mandatory'],
      [{ header: { ...header(), to: { domain: 'x' } } }, 'MandatoryField', 'Identity is mandatory'],
      [{ header: { ...header(), sender: undefined } }, 'MandatoryField', 'Sender is mandatory'],
      [{ documentNumber: 'INVALID-CM' }, 'DataValidation', 'Invalid Document Number'],
      [{ creditMemoDate: '' }, 'MandatoryField', 'Invoice date is mandatory'],
      [
        { documentStatus: '' },
        'MandatoryField',
        'There was an error in processing the CreditMemo Status as Type is mandatory',
      ],
    ])('%j -> %s "%s"', async (change, errorCode, errorDescription) => {
      const response = await post(CREDIT_MEMO_URL, { models: [memo(change)] });
      expect(response.statusCode).toBe(400);
      expect(response.json().errorDetails[0].errors).toEqual([{ errorCode, errorDescription }]);
    });

    it('needs documentStatus, not the invoice field documentstatusInfo', async () => {
      const response = await post(CREDIT_MEMO_URL, {
        models: [memo({ documentStatus: undefined, documentstatusInfo: 'Cancelled' })],
      });
      expect(response.statusCode).toBe(400);
    });

    it('reports InterfaceCreditMemoStatus is missing', async () => {
      const response = await post(CREDIT_MEMO_URL, { models: [] });
      expect(errorsOf(response.json())).toEqual(['InterfaceCreditMemoStatus is missing']);
    });
  });
});
