import { createDmsSimulator } from './dms.simulator';

describe('DMS simulator', () => {
  const dms = createDmsSimulator({ now: () => Date.parse('2026-01-05T09:00:00.000Z') });
  const bearer = { authorization: 'Bearer sim-dms-key' };
  const basic = {
    authorization: `Basic ${Buffer.from('sim-dms-user:sim-dms-password').toString('base64')}`,
  };
  const invoice = {
    request_number: 'REQ-2026-000777',
    dealer_code: 'DLR001',
    dealer_name: 'ABC Motors',
    amount: 5000.5,
    description: 'Claim REQ-2026-000777',
  };
  const creditNote = {
    request_number: 'REQ-2026-000777',
    e_invoice_number: 'EINV-2026-000777',
    dealer_code: 'DLR001',
    dealer_name: 'ABC Motors',
    amount: 5000.5,
    reason: 'Claim settlement',
  };
  const post = (url: string, payload: object, headers: Record<string, string> = bearer) =>
    dms.app.inject({ method: 'POST', url, headers, payload });
  const generate = (payload: object, headers?: Record<string, string>) =>
    post('/api/invoices/generate', payload, headers);
  const credit = (payload: object) => post('/api/credit-notes/generate', payload);

  beforeEach(() => dms.reset());
  afterAll(() => dms.app.close());

  describe('auth', () => {
    it.each([
      ['wrong API key', { authorization: 'Bearer nope' }],
      [
        'wrong password',
        { authorization: `Basic ${Buffer.from('sim-dms-user:x').toString('base64')}` },
      ],
      ['no credentials', {}],
    ])('refuses %s with 401 UNAUTHORIZED', async (_name, headers) => {
      const response = await generate(invoice, headers);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, error_code: 'UNAUTHORIZED' });
    });

    it('accepts Basic username/password', async () => {
      const response = await generate(invoice, basic);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ e_invoice_number: 'EINV-2026-000777' });
    });
  });

  describe('e-invoice validation', () => {
    it.each([
      ['unknown dealer', { dealer_code: 'NOPE' }, 'INVALID_DEALER_CODE'],
      [
        'fixture dealer is known',
        { dealer_code: 'DLR003', dealer_name: 'Highway Motors Pune' },
        null,
      ],
      ['unknown IO', { io_number: 'IO-1999-999' }, 'IO_NOT_FOUND'],
      ['known IO', { io_number: 'IO-2025-002' }, null],
      ['negative amount', { amount: -1 }, 'INVALID_AMOUNT'],
      ['zero amount (only negative is invalid)', { amount: 0 }, null],
      ['amount as string', { amount: '5000.50' }, 'INVALID_AMOUNT'],
      ['three decimals', { amount: 1.234 }, 'INVALID_AMOUNT'],
      ['missing description', { description: undefined }, 'INVALID_DATA'],
      [
        'IGST with CGST',
        { tax_details: { cgst: 9, sgst: 9, igst: 18, total_tax: 36 } },
        'INVALID_DATA',
      ],
      [
        'CGST != SGST',
        { tax_details: { cgst: 9, sgst: 8, igst: 0, total_tax: 17 } },
        'INVALID_DATA',
      ],
      ['intra-state GST', { tax_details: { cgst: 450, sgst: 450, igst: 0, total_tax: 900 } }, null],
    ])('%s', async (_name, change, code) => {
      const response = await generate({ ...invoice, ...change });
      if (code === null) {
        expect(response.statusCode).toBe(200);
      } else {
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ success: false, error_code: code });
      }
    });

    it('answers 500 DMS_SERVICE_ERROR for the magic request number', async () => {
      const response = await generate({ ...invoice, request_number: 'SIM-DMS-ERROR-1' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ success: false, error_code: 'DMS_SERVICE_ERROR' });
    });

    it('is idempotent per request_number and refuses a conflicting reuse', async () => {
      const first = await generate(invoice);
      const second = await generate(invoice);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toEqual(first.json());
      const conflicting = await generate({ ...invoice, amount: 1 });
      expect(conflicting.statusCode).toBe(400);
      expect(conflicting.json()).toMatchObject({ error_code: 'INVALID_DATA' });
    });

    it('falls back to a 16-character sequence number when the derived one would be too long', async () => {
      const response = await generate({ ...invoice, request_number: 'CLAIM-REQUEST-NUMBER-0001' });
      expect(response.json().e_invoice_number).toMatch(/^EINV-2026-\d{6}$/);
    });
  });

  describe('credit notes', () => {
    it('flows invoice -> credit note and remembers both', async () => {
      expect((await generate(invoice)).statusCode).toBe(200);
      const response = await credit(creditNote);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        success: true,
        credit_note_number: 'CN-2026-000777',
        credit_note_date: '2026-01-05T09:00:00.000Z',
        credit_note_amount: 5000.5,
        credit_note_url: 'https://dms.example.com/credit-notes/CN-2026-000777',
      });
    });

    it('issues half the amount asked for a reason starting SIM-DMS-PARTIAL (repeat included)', async () => {
      await generate(invoice);
      const partial = { ...creditNote, reason: 'SIM-DMS-PARTIAL return' };
      const response = await credit(partial);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ success: true, credit_note_amount: 2500.25 });
      expect((await credit(partial)).json()).toMatchObject({ credit_note_amount: 2500.25 });
    });

    it('INVOICE_NOT_FOUND for an unknown invoice', async () => {
      const response = await credit(creditNote);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error_code: 'INVOICE_NOT_FOUND' });
    });

    it('DEALER_MISMATCH when the dealer differs from the invoice', async () => {
      await generate(invoice);
      const response = await credit({
        ...creditNote,
        dealer_code: 'TEST-DLR-001',
        dealer_name: 'Test Dealer',
      });
      expect(response.json()).toMatchObject({ success: false, error_code: 'DEALER_MISMATCH' });
    });

    it('INVALID_AMOUNT above the invoice amount', async () => {
      await generate(invoice);
      const response = await credit({ ...creditNote, amount: 5000.51 });
      expect(response.json()).toMatchObject({ success: false, error_code: 'INVALID_AMOUNT' });
    });

    it('accepts a partial amount, repeats an identical request, refuses a second credit note', async () => {
      await generate(invoice);
      const first = await credit({ ...creditNote, amount: 100 });
      expect(first.statusCode).toBe(200);
      const repeat = await credit({ ...creditNote, amount: 100 });
      expect(repeat.json()).toEqual(first.json());
      const second = await credit({
        ...creditNote,
        request_number: 'REQ-2026-000778',
        amount: 100,
      });
      expect(second.statusCode).toBe(400);
      expect(second.json()).toMatchObject({ success: false, error_code: 'CREDIT_NOTE_EXISTS' });
    });

    it('forgets everything on reset', async () => {
      await generate(invoice);
      dms.reset();
      expect((await credit(creditNote)).json()).toMatchObject({ error_code: 'INVOICE_NOT_FOUND' });
    });
  });

  it('answers unknown routes and bad JSON in its own error shape', async () => {
    const missing = await dms.app.inject({ method: 'GET', url: '/api/nothing', headers: bearer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ success: false, error_code: 'NOT_FOUND' });
    const bad = await dms.app.inject({
      method: 'POST',
      url: '/api/invoices/generate',
      headers: { ...bearer, 'content-type': 'application/json' },
      payload: '{"request_number":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ success: false, error_code: 'INVALID_DATA' });
  });
});
