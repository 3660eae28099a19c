import type { RemittanceItem } from '../provider.contract';
import { remittanceRules } from './gep-quantum.rules';

const now = new Date('2026-03-01T12:00:00.000Z');

const item = (change: Partial<RemittanceItem> = {}, payment: object = {}): RemittanceItem => ({
  documentNumber: 'DOC-1',
  status: 'Paid',
  ...change,
  payment: {
    referenceNumber: 'R-1',
    remittanceId: 'M-1',
    date: '2021-11-01T00:00:00Z',
    ...payment,
  },
});

describe('remittanceRules', () => {
  it('accepts a complete remittance', () => {
    expect(remittanceRules(item(), now)).toEqual([]);
  });

  it.each([
    ['supplierInvoiceNumber', { documentNumber: undefined, supplierInvoiceNumber: 'S' }],
    [
      'clientSupplierCode',
      { documentNumber: undefined, clientSupplierCode: 'C', sourceSystem: 'SAP' },
    ],
    ['batchId', { documentNumber: undefined, batchId: 'B' }],
  ])('accepts %s instead of documentNumber', (_name, change) => {
    expect(remittanceRules(item(change), now)).toEqual([]);
  });

  it.each([
    [
      'documentNumber',
      { documentNumber: ' ' },
      {},
      'MandatoryField',
      'Document Number or Supplier Document Number is Mandatory',
    ],
    [
      'documentNumber',
      { documentNumber: 'D'.repeat(101) },
      {},
      'DataValidation',
      'Invalid Document Number: at most 100 characters',
    ],
    [
      'sourceSystem',
      { clientSupplierCode: 'C' },
      {},
      'MandatoryField',
      'Source System Name is Mandatory',
    ],
    ['status', { status: '' }, {}, 'MandatoryField', 'Status is Mandatory'],
    [
      'payment.referenceNumber',
      {},
      { referenceNumber: '' },
      'MandatoryField',
      'Payment reference number is Mandatory',
    ],
    [
      'payment.remittanceId',
      {},
      { remittanceId: undefined },
      'MandatoryField',
      'Payment remittance id is Mandatory',
    ],
    ['payment.date', {}, { date: '' }, 'MandatoryField', 'Payment date is Mandatory'],
    ['payment.date', {}, { date: '01/11/2021' }, 'DataValidation', 'Need to pass correct format'],
    [
      'payment.grossAmount',
      {},
      { grossAmount: '10' },
      'DataValidation',
      'grossAmount must be a decimal number',
    ],
    [
      'payment.netAmount',
      {},
      { netAmount: Number.NaN },
      'DataValidation',
      'netAmount must be a decimal number',
    ],
  ])('%s: %j %j -> %s "%s"', (path, change, payment, code, message) => {
    expect(remittanceRules(item(change, payment), now)).toEqual([{ code, message, path }]);
  });

  it('accepts exactly 100 characters, decimals, negative adjustments and future dates (not documented)', () => {
    expect(
      remittanceRules(
        item(
          { documentNumber: 'D'.repeat(100) },
          { grossAmount: 10.55, adjustmentAmount: -2.5, date: '2030-01-01T00:00:00Z' },
        ),
        now,
      ),
    ).toEqual([]);
  });

  it('reports every problem of an empty item, payment absent at runtime included', () => {
    const empty = { status: '' } as RemittanceItem;
    expect(remittanceRules(empty, now).map((e) => e.path)).toEqual([
      'documentNumber',
      'status',
      'payment.referenceNumber',
      'payment.remittanceId',
      'payment.date',
    ]);
  });
});
