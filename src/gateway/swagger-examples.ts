import type { ApiHeaderOptions } from '@nestjs/swagger';
/** OpenAPI examples keyed by name (the shape ApiBody takes). */
type ExamplesObject = Record<string, { summary?: string; value: unknown }>;

export const IDEMPOTENCY_HEADER: ApiHeaderOptions = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Same key + same body replays the stored answer (Idempotent-Replayed: true); same key + other body is 422; while the first is running, 409. Kept 24 h.',
  schema: { type: 'string', maxLength: 255 },
};

export const PREFER_HEADER: ApiHeaderOptions = {
  name: 'Prefer',
  required: false,
  description:
    'respond-async: everything that needs no upstream is checked, the operation is stored, and the answer is 202 with the operation (Location: /v1/operations/{id}); the worker delivers it with retries. Leave it empty for the synchronous answer.',
  // an enum without an example: Swagger UI leaves it unset, so "Try it out" stays synchronous
  schema: { type: 'string', enum: ['respond-async'] },
};

/** Request examples drawn from the upstream spec files. */
export const INVOICE_EXAMPLES: ExamplesObject = {
  dms: {
    summary: 'DMS e-invoice (spec example)',
    value: {
      provider: 'dms',
      reference: 'REQ-2025-001234',
      party: { code: 'DLR001', name: 'ABC Motors' },
      amount: 150000.0,
      currency: 'INR',
      description: 'E-Invoice for claim request REQ-2025-001234',
      internalOrderNumber: 'IO-2025-001',
      taxes: { cgst: 0, sgst: 0, igst: 0, total: 0 },
    },
  },
  dmsTest: {
    summary: 'DMS test dealer (spec test data)',
    value: {
      provider: 'dms',
      reference: 'REQ-TEST-001',
      party: { code: 'TEST-DLR-001', name: 'Test Dealer' },
      amount: 10000.0,
      description: 'Test invoice generation',
    },
  },
  deliverySolutions: {
    summary: 'Delivery Solutions returns invoice',
    value: {
      provider: 'delivery-solutions',
      reference: 'ORDER-10001',
      brand: 'brand-123',
      location: 'store-9',
      issuedAt: '2025-12-17T10:30:00Z',
      timeZone: 'America/New_York',
      amount: 42.5,
      currency: 'USD',
      party: { name: 'Jane Doe', email: 'jane@example.com', phone: '+14155550123' },
      order: { status: 'DELIVERED', type: 'delivery', deliveryCharge: 5, tips: 2 },
      shipTo: {
        street1: '123 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
        countryCode: 'US',
      },
      lines: [{ sku: 'SKU-1', title: 'T-shirt', quantity: 2, price: 19.99 }],
    },
  },
};

export const CREDIT_NOTE_EXAMPLES: ExamplesObject = {
  dms: {
    summary: 'DMS credit note (spec example)',
    value: {
      providerInvoiceId: 'EINV-2025-001234',
      reference: 'REQ-2025-001234',
      party: { code: 'DLR001', name: 'ABC Motors' },
      amount: 150000.0,
      reason: 'Claim settlement',
      description: 'Credit note for claim request REQ-2025-001234',
    },
  },
};

export const INVOICE_STATUS_EXAMPLES: ExamplesObject = {
  gepSmart: {
    summary: 'GEP SMART invoice status (spec example)',
    value: {
      updates: [
        {
          documentNumber: 'DEV_Inv070918A',
          status: 'SentForPayment',
          invoiceDate: '2019-12-14T11:47:24.534Z',
          partnerCode: 'PC-1530698055599',
        },
      ],
    },
  },
};

export const CREDIT_MEMO_STATUS_EXAMPLES: ExamplesObject = {
  gepSmart: {
    summary: 'GEP SMART credit-memo status',
    value: {
      updates: [
        {
          documentNumber: 'CM-0001',
          status: 'SentForPayment',
          creditMemoDate: '2019-12-14T11:47:24.534Z',
          partnerCode: 'PC-1530698055599',
        },
      ],
    },
  },
};

export const REMITTANCE_EXAMPLES: ExamplesObject = {
  gepQuantum: {
    summary: 'GEP Quantum remittance',
    value: {
      remittances: [
        {
          documentNumber: 'INV-2024-0001',
          status: 'Paid',
          payment: {
            referenceNumber: 'PAY-REF-001',
            remittanceId: 'REM-001',
            method: 'ACH',
            date: '2024-06-01T00:00:00Z',
            grossAmount: 1000,
            netAmount: 990,
            discountAmount: 10,
            currency: 'USD',
          },
        },
      ],
    },
  },
};

export const RESOLVE_EXAMPLES: ExamplesObject = {
  dmsManualEntry: {
    summary: 'DMS invoice entered by hand while DMS was unavailable',
    value: {
      note: 'Entered in the DMS portal during the outage (ticket OPS-1234)',
      providerInvoiceId: 'EINV-2025-001234',
      providerDocumentNumber: 'DMS-2025-001234',
      issuedAt: '2025-12-17T10:30:00Z',
    },
  },
  uncertainDeliverySolutions: {
    summary: 'Delivery Solutions invoice found in its portal after an outcome_uncertain',
    value: {
      note: 'Checked in the Delivery Solutions portal: the first create landed',
      providerInvoiceId: '65a1f0c2e4b0a1b2c3d4e5f6',
    },
  },
};
