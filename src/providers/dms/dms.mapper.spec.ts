import type { CanonicalCreditNote, CanonicalInvoice } from '../provider.contract';
import {
  fromDmsCreditNoteAnswer,
  fromDmsInvoiceAnswer,
  toDmsCreditNoteRequest,
  toDmsInvoiceRequest,
  toDmsTaxDetails,
} from './dms.mapper';

const invoice: CanonicalInvoice = {
  provider: 'dms',
  reference: 'REQ-2025-001234',
  party: { code: 'DLR001', name: 'ABC Motors' },
  amount: 150000,
  currency: 'INR',
  description: 'E-Invoice for claim request REQ-2025-001234',
  internalOrderNumber: 'IO-2025-001',
  taxes: { cgst: 0, sgst: 0, igst: 0, total: 0 },
};

describe('toDmsInvoiceRequest', () => {
  it('maps the spec example field by field', () => {
    expect(toDmsInvoiceRequest(invoice)).toStrictEqual({
      request_number: 'REQ-2025-001234',
      dealer_code: 'DLR001',
      dealer_name: 'ABC Motors',
      amount: 150000,
      description: 'E-Invoice for claim request REQ-2025-001234',
      io_number: 'IO-2025-001',
      tax_details: { cgst: 0, sgst: 0, igst: 0, total_tax: 0 },
    });
  });

  it('leaves out io_number and tax_details when not given', () => {
    const { internalOrderNumber: _io, taxes: _t, ...bare } = invoice;
    const body = toDmsInvoiceRequest(bare);
    expect(body).not.toHaveProperty('io_number');
    expect(body).not.toHaveProperty('tax_details');
  });

  it('ignores fields DMS does not know (currency, shipTo, lines, brand)', () => {
    const body = toDmsInvoiceRequest({
      ...invoice,
      brand: 'b',
      shipTo: { city: 'x' },
      lines: [{ quantity: 1 }],
    });
    expect(Object.keys(body).sort()).toEqual(
      [
        'amount',
        'dealer_code',
        'dealer_name',
        'description',
        'io_number',
        'request_number',
        'tax_details',
      ].sort(),
    );
  });

  it('merges passThrough without letting it replace a mapped field', () => {
    const body = toDmsInvoiceRequest({
      ...invoice,
      passThrough: { claim_type: 'WARRANTY', amount: 1, request_number: 'OTHER' },
    });
    expect(body.claim_type).toBe('WARRANTY');
    expect(body.amount).toBe(150000);
    expect(body.request_number).toBe('REQ-2025-001234');
  });
});

describe('toDmsTaxDetails', () => {
  it('maps cgst/sgst/igst/total to tax_details with total_tax', () => {
    expect(toDmsTaxDetails({ cgst: 9, sgst: 9, igst: 0, total: 18 })).toStrictEqual({
      cgst: 9,
      sgst: 9,
      igst: 0,
      total_tax: 18,
    });
  });

  it('fills absent parts with 0 and an absent total with the rounded sum', () => {
    expect(toDmsTaxDetails({ cgst: 0.1, sgst: 0.2 })).toStrictEqual({
      cgst: 0.1,
      sgst: 0.2,
      igst: 0,
      total_tax: 0.3,
    });
  });
});

describe('fromDmsInvoiceAnswer', () => {
  it('keeps the upstream ids: e_invoice_number, dms_number, date, url', () => {
    const answer = {
      success: true as const,
      e_invoice_number: 'EINV-2025-001234',
      dms_number: 'DMS-2025-001234',
      invoice_date: '2025-12-17T10:30:00.000Z',
      invoice_url: 'https://dms.example.com/invoices/EINV-2025-001234',
    };
    expect(fromDmsInvoiceAnswer(answer)).toStrictEqual({
      providerInvoiceId: 'EINV-2025-001234',
      providerDocumentNumber: 'DMS-2025-001234',
      status: 'issued',
      issuedAt: '2025-12-17T10:30:00.000Z',
      documentUrl: 'https://dms.example.com/invoices/EINV-2025-001234',
      raw: answer,
    });
  });
});

describe('credit notes', () => {
  const creditNote: CanonicalCreditNote = {
    provider: 'dms',
    reference: 'REQ-2025-001234',
    providerInvoiceId: 'EINV-2025-001234',
    party: { code: 'DLR001', name: 'ABC Motors' },
    amount: 150000,
    reason: 'Claim settlement',
    description: 'Credit note for claim request REQ-2025-001234',
  };

  it('maps the spec example field by field', () => {
    expect(toDmsCreditNoteRequest(creditNote)).toStrictEqual({
      request_number: 'REQ-2025-001234',
      e_invoice_number: 'EINV-2025-001234',
      dealer_code: 'DLR001',
      dealer_name: 'ABC Motors',
      amount: 150000,
      reason: 'Claim settlement',
      description: 'Credit note for claim request REQ-2025-001234',
    });
  });

  it('leaves out an absent description', () => {
    const { description: _d, ...bare } = creditNote;
    expect(toDmsCreditNoteRequest(bare)).not.toHaveProperty('description');
  });

  it('maps the answer: number, date, amount, url', () => {
    const answer = {
      success: true as const,
      credit_note_number: 'CN-2025-001234',
      credit_note_date: '2025-12-17T10:30:00.000Z',
      credit_note_amount: 150000,
      credit_note_url: 'https://dms.example.com/credit-notes/CN-2025-001234',
    };
    expect(fromDmsCreditNoteAnswer(answer)).toStrictEqual({
      providerCreditNoteId: 'CN-2025-001234',
      status: 'issued',
      issuedAt: '2025-12-17T10:30:00.000Z',
      amount: 150000,
      documentUrl: 'https://dms.example.com/credit-notes/CN-2025-001234',
      raw: answer,
    });
  });
});
