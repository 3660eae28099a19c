import type { CanonicalCreditNote, CanonicalInvoice, ItemError } from '../provider.contract';
import { validateDmsCreditNote, validateDmsInvoice } from './dms.rules';

const valid: CanonicalInvoice = {
  provider: 'dms',
  reference: 'REQ-TEST-001',
  party: { code: 'TEST-DLR-001', name: 'Test Dealer' },
  amount: 10000,
  description: 'Test invoice generation',
};

const at = (errors: ItemError[]) => errors.map((e) => `${e.path}:${e.code}`);

describe('validateDmsInvoice', () => {
  it('accepts the spec test request, with INR and intra-state or inter-state taxes', () => {
    expect(validateDmsInvoice(valid)).toEqual([]);
    expect(validateDmsInvoice({ ...valid, currency: 'INR', amount: 0 })).toEqual([]);
    expect(
      validateDmsInvoice({ ...valid, taxes: { cgst: 900.5, sgst: 900.5, igst: 0, total: 1801 } }),
    ).toEqual([]);
    expect(validateDmsInvoice({ ...valid, taxes: { igst: 1800, total: 1800 } })).toEqual([]);
  });

  it('requires request_number, dealer_code, dealer_name, amount and description', () => {
    const errors = validateDmsInvoice({
      provider: 'dms',
      reference: ' ',
      party: { code: '' },
      amount: undefined as unknown as number,
    });
    expect(at(errors)).toEqual([
      'reference:required',
      'party.code:required',
      'party.name:required',
      'amount:required',
      'description:required',
    ]);
  });

  it('accepts INR only', () => {
    expect(at(validateDmsInvoice({ ...valid, currency: 'USD' }))).toEqual(['currency:enum']);
  });

  it('rejects negative amounts, more than 2 decimals and non-numbers', () => {
    expect(at(validateDmsInvoice({ ...valid, amount: -1 }))).toEqual(['amount:min']);
    expect(at(validateDmsInvoice({ ...valid, amount: 10.123 }))).toEqual(['amount:precision']);
    expect(at(validateDmsInvoice({ ...valid, amount: Number.NaN }))).toEqual(['amount:invalid']);
    expect(validateDmsInvoice({ ...valid, amount: 0.1 + 0.2 })).toEqual([]);
  });

  it('requires taxes.total to equal cgst + sgst + igst', () => {
    expect(at(validateDmsInvoice({ ...valid, taxes: { cgst: 9, sgst: 9, total: 19 } }))).toEqual([
      'taxes.total:mismatch',
    ]);
  });

  it('never combines IGST with CGST/SGST, and keeps CGST = SGST', () => {
    expect(
      at(validateDmsInvoice({ ...valid, taxes: { cgst: 9, sgst: 9, igst: 18, total: 36 } })),
    ).toEqual(['taxes.igst:conflict']);
    expect(at(validateDmsInvoice({ ...valid, taxes: { cgst: 9, sgst: 8, total: 17 } }))).toEqual([
      'taxes.sgst:mismatch',
    ]);
  });

  it('checks each tax part as an INR amount', () => {
    expect(at(validateDmsInvoice({ ...valid, taxes: { igst: -5 } }))).toEqual(['taxes.igst:min']);
    expect(at(validateDmsInvoice({ ...valid, taxes: { igst: 1.001 } }))).toEqual([
      'taxes.igst:precision',
    ]);
  });

  it('rejects an empty internalOrderNumber', () => {
    expect(at(validateDmsInvoice({ ...valid, internalOrderNumber: '' }))).toEqual([
      'internalOrderNumber:invalid',
    ]);
  });
});

describe('validateDmsCreditNote', () => {
  const note: CanonicalCreditNote = {
    provider: 'dms',
    reference: 'REQ-TEST-001',
    providerInvoiceId: 'EINV-TEST-001',
    party: { code: 'TEST-DLR-001', name: 'Test Dealer' },
    amount: 10000,
    reason: 'Test credit note',
  };

  it('accepts the spec test request', () => {
    expect(validateDmsCreditNote(note)).toEqual([]);
  });

  it('requires every documented field and a valid amount', () => {
    expect(
      at(
        validateDmsCreditNote({
          ...note,
          providerInvoiceId: '',
          party: { code: '', name: '' },
          reason: '',
          amount: 1.005,
        }),
      ),
    ).toEqual([
      'providerInvoiceId:required',
      'party.code:required',
      'party.name:required',
      'amount:precision',
      'reason:required',
    ]);
  });
});
