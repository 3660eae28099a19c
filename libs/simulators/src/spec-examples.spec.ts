import { createDeliverySolutionsSimulator } from './delivery-solutions.simulator';
import { createDmsSimulator } from './dms.simulator';
import { createGepQuantumSimulator } from './gep-quantum.simulator';
import { createGepSmartSimulator } from './gep-smart.simulator';
import type { Simulator } from './sim-types';
import {
  DELIVERY_SOLUTIONS_EXAMPLES,
  DMS_EXAMPLES,
  GEP_CREDIT_MEMO_EXAMPLES,
  GEP_INVOICE_STATUS_EXAMPLES,
  GEP_QUANTUM_EXAMPLES,
} from './spec-examples.fixture';

/** The instant of the DMS spec's example answers. */
const NOW = Date.parse('2025-12-17T10:30:00.000Z');
const now = () => NOW;

describe('spec examples', () => {
  const simulators: Simulator[] = [];
  afterAll(async () => {
    await Promise.all(simulators.map((simulator) => simulator.app.close()));
  });
  function track<T extends Simulator>(simulator: T): T {
    simulators.push(simulator);
    return simulator;
  }

  describe('DMS', () => {
    const dms = track(createDmsSimulator({ now }));
    const auth = { authorization: 'Bearer sim-dms-key' };
    beforeEach(() => dms.reset());

    it('answers the e-invoice and credit-note examples exactly as published', async () => {
      const invoice = await dms.app.inject({
        method: 'POST',
        url: '/api/invoices/generate',
        headers: auth,
        payload: DMS_EXAMPLES.invoiceRequest,
      });
      expect(invoice.statusCode).toBe(200);
      expect(invoice.json()).toEqual(DMS_EXAMPLES.invoiceResponse);

      const creditNote = await dms.app.inject({
        method: 'POST',
        url: '/api/credit-notes/generate',
        headers: auth,
        payload: DMS_EXAMPLES.creditNoteRequest,
      });
      expect(creditNote.statusCode).toBe(200);
      expect(creditNote.json()).toEqual(DMS_EXAMPLES.creditNoteResponse);
    });

    it('accepts the cURL example body (no tax_details)', async () => {
      const response = await dms.app.inject({
        method: 'POST',
        url: '/api/invoices/generate',
        headers: auth,
        payload: DMS_EXAMPLES.invoiceCurlRequest,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(DMS_EXAMPLES.invoiceResponse);
    });

    it('runs the test-data pair: REQ-TEST-001 yields EINV-TEST-001, then its credit note', async () => {
      const invoice = await dms.app.inject({
        method: 'POST',
        url: '/api/invoices/generate',
        headers: auth,
        payload: DMS_EXAMPLES.testInvoiceRequest,
      });
      expect(invoice.json()).toMatchObject({ success: true, e_invoice_number: 'EINV-TEST-001' });
      const creditNote = await dms.app.inject({
        method: 'POST',
        url: '/api/credit-notes/generate',
        headers: auth,
        payload: DMS_EXAMPLES.testCreditNoteRequest,
      });
      expect(creditNote.statusCode).toBe(200);
      expect(creditNote.json()).toMatchObject({
        success: true,
        credit_note_number: 'CN-TEST-001',
        credit_note_amount: 10000,
      });
    });

    it('answers the documented error shape (INVALID_DEALER_CODE, INVOICE_NOT_FOUND)', async () => {
      const invoice = await dms.app.inject({
        method: 'POST',
        url: '/api/invoices/generate',
        headers: auth,
        payload: { ...DMS_EXAMPLES.invoiceRequest, dealer_code: 'DLR999' },
      });
      expect(invoice.statusCode).toBe(400);
      expect(invoice.json()).toEqual({
        success: false,
        error: expect.stringContaining('DLR999') as unknown,
        error_code: 'INVALID_DEALER_CODE',
      });
      const creditNote = await dms.app.inject({
        method: 'POST',
        url: '/api/credit-notes/generate',
        headers: auth,
        payload: DMS_EXAMPLES.creditNoteRequest,
      });
      expect(creditNote.statusCode).toBe(400);
      expect(creditNote.json()).toMatchObject({ success: false, error_code: 'INVOICE_NOT_FOUND' });
    });
  });

  describe('GEP SMART', () => {
    const smart = track(
      createGepSmartSimulator({ now, sharedSecret: GEP_CREDIT_MEMO_EXAMPLES.sharedSecret }),
    );
    let token: string;
    beforeAll(async () => {
      const response = await smart.app.inject({
        method: 'GET',
        url: '/token/gep',
        headers: { 'gep-auth-key': 'sim-gep-auth-key' },
      });
      token = response.json<{ Token: string }>().Token;
    });
    const post = (url: string, payload: unknown) =>
      smart.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: payload as object,
      });

    it.each([
      [
        'success',
        GEP_INVOICE_STATUS_EXAMPLES.successRequest,
        200,
        GEP_INVOICE_STATUS_EXAMPLES.successResponse,
      ],
      [
        'error',
        GEP_INVOICE_STATUS_EXAMPLES.errorRequest,
        400,
        GEP_INVOICE_STATUS_EXAMPLES.errorResponse,
      ],
    ])('PostInvoiceStatus %s example', async (_name, request, status, answer) => {
      const response = await post('/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails', request);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual(answer);
    });

    it.each([
      [
        'success',
        GEP_CREDIT_MEMO_EXAMPLES.successRequest,
        200,
        GEP_CREDIT_MEMO_EXAMPLES.successResponse,
      ],
      ['error', GEP_CREDIT_MEMO_EXAMPLES.errorRequest, 400, GEP_CREDIT_MEMO_EXAMPLES.errorResponse],
    ])('PostCreditMemoStatus %s example', async (_name, request, status, answer) => {
      const response = await post('/SmartInterfaceAPI/api/Invoice/CreditMemoStatusBatch', request);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual(answer);
    });
  });

  describe('GEP Quantum', () => {
    const quantum = track(createGepQuantumSimulator({ now }));
    const apim = { 'ocp-apim-subscription-key': 'sim-gep-subscription-key' };

    it('accepts the payload schema filled in and answers the published envelope', async () => {
      const tokenResponse = await quantum.app.inject({
        method: 'GET',
        url: '/SmartAuth2/Token',
        headers: { ...apim, 'gep-auth-key': 'sim-gep-auth-key' },
      });
      const { token } = tokenResponse.json<{ token: string }>();
      const response = await quantum.app.inject({
        method: 'PUT',
        url: '/leo-invoice-interface/api/v1/RemittanceDetails',
        headers: { ...apim, authorization: `Bearer ${token}` },
        payload: GEP_QUANTUM_EXAMPLES.request,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body)).toEqual([
        'returnValue',
        'isSuccess',
        'errors',
        'exception',
        'errorMessage',
        'errorCode',
        'correlationId',
      ]);
      expect(body.isSuccess).toBe(true);
      expect(body.correlationId).toMatch(/^0HN[0-9A-V]{10}:[0-9A-F]{8}$/);
      expect(body.returnValue.errorDetails).toEqual([]);
      const [detail] = body.returnValue.successDetails;
      const { statusInfo: _status, ...echoed } = GEP_QUANTUM_EXAMPLES.request[0];
      expect(detail).toMatchObject({ ...echoed, errors: [], comments: null });
      expect(detail.success).toEqual([
        expect.objectContaining({
          documentNumber: 'INV-2024-000123',
          documentStatus: 'Paid',
          errorCode: null,
        }),
      ]);
    });
  });

  describe('Delivery Solutions', () => {
    const ds = track(createDeliverySolutionsSimulator({ now }));
    const apiKey = { 'x-api-key': 'sim-ds-api-key', tenantid: 'sim-tenant' };

    it('creates the sample invoice (201) and updates it with the sample body (200)', async () => {
      const created = await ds.app.inject({
        method: 'POST',
        url: '/returns/v1/invoices',
        headers: apiKey,
        payload: DELIVERY_SOLUTIONS_EXAMPLES.createRequest,
      });
      expect(created.statusCode).toBe(201);
      const body = created.json();
      expect(Object.keys(body)).toEqual(DELIVERY_SOLUTIONS_EXAMPLES.createResponseFields);
      expect(body).toMatchObject({
        groupId: 'GAKunalA0089',
        orderExternalId: 'AKunalA0089',
        tenantId: 'sim-tenant',
        createdDate: 1707356123000,
        createdAt: new Date(NOW).toISOString(),
      });
      expect(body.id).toMatch(/^[0-9a-f]{24}$/);

      const updated = await ds.app.inject({
        method: 'PUT',
        url: `/returns/v1/invoices/${body.id as string}`,
        headers: apiKey,
        payload: DELIVERY_SOLUTIONS_EXAMPLES.createRequest,
      });
      expect(updated.statusCode).toBe(200);
      const after = updated.json();
      expect(Object.keys(after).at(-1)).toBe('id');
      expect(after.id).toBe(body.id);
    });

    it('answers the documented errors: 422 Invoice already Exists, 404 Invoice not found', async () => {
      const again = await ds.app.inject({
        method: 'POST',
        url: '/returns/v1/invoices',
        headers: apiKey,
        payload: DELIVERY_SOLUTIONS_EXAMPLES.createRequest,
      });
      expect(again.statusCode).toBe(422);
      expect(again.json()).toMatchObject({
        type: 'INVALID_DATA',
        message: 'Invoice already Exists',
      });
      const missing = await ds.app.inject({
        method: 'PUT',
        url: '/returns/v1/invoices/63ea84197afb7569bf4bc6eb',
        headers: apiKey,
        payload: DELIVERY_SOLUTIONS_EXAMPLES.createRequest,
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ type: 'NOT_FOUND', message: 'Invoice not found' });
    });
  });
});
