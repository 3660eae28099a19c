/**
 * The example requests and answers of the upstream spec files (../shared/specs), copied as
 * published. Used by spec-examples.spec.ts. Delivery Solutions' samples show collapsed objects
 * (`"customer": {…}`); those are filled with schema-valid values.
 */

/** dms-e-invoice-and-credit-note.txt */
export const DMS_EXAMPLES = {
  invoiceRequest: {
    request_number: 'REQ-2025-001234',
    dealer_code: 'DLR001',
    dealer_name: 'ABC Motors',
    amount: 150000.0,
    description: 'E-Invoice for claim request REQ-2025-001234',
    io_number: 'IO-2025-001',
    tax_details: { cgst: 0, sgst: 0, igst: 0, total_tax: 0 },
  },
  invoiceCurlRequest: {
    request_number: 'REQ-2025-001234',
    dealer_code: 'DLR001',
    dealer_name: 'ABC Motors',
    amount: 150000.0,
    description: 'E-Invoice for claim request REQ-2025-001234',
    io_number: 'IO-2025-001',
  },
  invoiceResponse: {
    success: true,
    e_invoice_number: 'EINV-2025-001234',
    dms_number: 'DMS-2025-001234',
    invoice_date: '2025-12-17T10:30:00.000Z',
    invoice_url: 'https://dms.example.com/invoices/EINV-2025-001234',
  },
  creditNoteRequest: {
    request_number: 'REQ-2025-001234',
    e_invoice_number: 'EINV-2025-001234',
    dealer_code: 'DLR001',
    dealer_name: 'ABC Motors',
    amount: 150000.0,
    reason: 'Claim settlement',
    description: 'Credit note for claim request REQ-2025-001234',
  },
  creditNoteResponse: {
    success: true,
    credit_note_number: 'CN-2025-001234',
    credit_note_date: '2025-12-17T10:30:00.000Z',
    credit_note_amount: 150000.0,
    credit_note_url: 'https://dms.example.com/credit-notes/CN-2025-001234',
  },
  testInvoiceRequest: {
    request_number: 'REQ-TEST-001',
    dealer_code: 'TEST-DLR-001',
    dealer_name: 'Test Dealer',
    amount: 10000.0,
    description: 'Test invoice generation',
  },
  testCreditNoteRequest: {
    request_number: 'REQ-TEST-001',
    e_invoice_number: 'EINV-TEST-001',
    dealer_code: 'TEST-DLR-001',
    dealer_name: 'Test Dealer',
    amount: 10000.0,
    reason: 'Test credit note',
    description: 'Test credit note generation',
  },
};

/** gep-smart-invoice-status.txt */
export const GEP_INVOICE_STATUS_EXAMPLES = {
  successRequest: {
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
  },
  successResponse: {
    data: null,
    statusCode: '200',
    errorDetails: [],
    successDetails: [{ key: 'DEV_Inv070918A' }],
  },
  errorRequest: {
    models: [
      {
        SourceSytemName: '',
        DocumentNumber: 'DEV_Inv070918A',
        documentstatusInfo: '',
        LOB: '',
        ClientPartnerCode: 'PC-1530698055599',
        InvoiceDate: '2019-12-14T11:47:24.534Z',
        ExceptionType: '',
      },
    ],
  },
  errorResponse: {
    data: null,
    statusCode: '400',
    errorDetails: [
      {
        key: 'DEV_Inv070918A',
        errors: [
          {
            errorCode: 'MandatoryField',
            errorDescription:
              'There was an error in processing the Invoice Status as Type is mandatory',
          },
        ],
      },
    ],
    successDetails: [],
  },
};

const KELLOGG_HEADER = {
  from: { domain: 'Kellogg', identity: 'Kellogg' },
  to: { domain: 'Gep-Cumulus', identity: 'GEP' },
  sender: {
    domain: 'Kellogg',
    identity: 'Kellogg',
    sharedSecret: 'Kellogg123',
    userAgent: 'Kellogg-Suite',
  },
};

/** gep-smart-credit-memo-status.txt (shared secret of the examples: Kellogg123) */
export const GEP_CREDIT_MEMO_EXAMPLES = {
  sharedSecret: 'Kellogg123',
  successRequest: {
    models: [
      {
        documentStatus: 'Cancelled',
        sourceSytemName: 'Client Supplier code',
        documentNumber: 'CM90w',
        creditMemoDate: '2020-02-07T08:31:54.609Z',
        comments: { commentText: 'The MEMO HAS BEEN CANCELLED' },
        clientPartnerCode: '0080000006',
        lob: 'KNA-SAP',
        header: KELLOGG_HEADER,
      },
    ],
  },
  successResponse: {
    data: null,
    statusCode: '200',
    errorDetails: [],
    successDetails: [{ key: 'CM90w' }],
  },
  errorRequest: {
    models: [
      {
        documentStatus: '',
        sourceSytemName: 'Client Supplier code',
        documentNumber: 'CM094W',
        creditMemoDate: '2020-02-07T08:31:54.609Z',
        comments: { commentText: 'The MEMO HAS BEEN CANCELLED' },
        clientPartnerCode: '0080000006',
        lob: 'KNA-SAP',
        header: KELLOGG_HEADER,
      },
    ],
  },
  errorResponse: {
    data: null,
    statusCode: '400',
    errorDetails: [
      {
        key: 'CM094W',
        errors: [
          {
            errorCode: 'MandatoryField',
            errorDescription:
              'There was an error in processing the CreditMemo Status as Type is mandatory',
          },
        ],
      },
    ],
    successDetails: [],
  },
};

/**
 * gep-quantum-remittance-details.txt publishes only the payload schema; this is that schema with
 * values filled in (amounts as decimals, as the answer types them).
 */
export const GEP_QUANTUM_EXAMPLES = {
  request: [
    {
      documentNumber: 'INV-2024-000123',
      supplierInvoiceNumber: 'SUP-7781',
      clientSupplierCode: 'CSC-0042',
      sourceSystemName: 'SAP',
      batchId: 'BATCH-2024-11',
      paymentReferenceNumber: 'PAYREF-99812',
      paymentRemittanceId: 'REM-2024-5531',
      paymentMethod: 'NEFT',
      paymentDate: '2021-11-01T00:00:00Z',
      grossAmount: 1180.5,
      netAmount: 1000,
      discountAmount: 20.25,
      adjustmentAmount: 0,
      currency: 'INR',
      statusInfo: 'Paid',
    },
  ],
};

/** delivery-solutions-invoices.txt (collapsed objects filled in) */
export const DELIVERY_SOLUTIONS_EXAMPLES = {
  createRequest: {
    itemList: [],
    groupId: 'GAKunalA0089',
    orderExternalId: 'AKunalA0089',
    customer: { email: 'kunal@example.com', phone: '+14155552671', name: 'Kunal' },
    orderInfo: { orderValue: 10.43, status: 'DELIVERED', type: 'delivery' },
    deliveryAddress: {
      street1: '1 Market St',
      city: 'San Francisco',
      state: 'CA',
      postalCode: '94105',
      countryCode: 'US',
    },
    brandExternalId: 'kunal',
    timeZone: 'America/Los_Angeles',
    createdDate: 1707356123000,
  },
  createResponseFields: [
    'id',
    'groupId',
    'tenantId',
    'orderExternalId',
    'deliveryAddress',
    'customer',
    'brandExternalId',
    'timeZone',
    'createdAt',
    'createdDate',
    'itemList',
    'orderInfo',
  ],
};
