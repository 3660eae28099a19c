import type { CreditMemoStatusItem, InvoiceStatusItem } from '../provider.contract';
import { creditMemoStatusRules, invoiceStatusRules } from './gep-smart.rules';

const now = new Date('2026-03-01T12:00:00.000Z');

const invoice: InvoiceStatusItem = {
  documentNumber: 'DEV_Inv070918A',
  status: 'SentForPayment',
  invoiceDate: '2019-12-14T11:47:24.534Z',
  partnerCode: 'PC-1530698055599',
};

const memo: CreditMemoStatusItem = {
  documentNumber: 'CM90w',
  status: 'Cancelled',
  creditMemoDate: '2020-02-07T08:31:54.609Z',
  partnerCode: '0080000006',
};

describe('invoiceStatusRules', () => {
  it('accepts the spec success example', () => {
    expect(invoiceStatusRules(invoice, now)).toEqual([]);
  });

  it.each([
    ['documentNumber', { documentNumber: '' }, 'MandatoryField', 'Document Number is mandatory'],
    [
      'status',
      { status: '' },
      'MandatoryField',
      'There was an error in processing the Invoice Status as Type is mandatory',
    ],
    ['partnerCode', { partnerCode: '  ' }, 'MandatoryField', 'Client partner code is mandatory'],
    ['invoiceDate', { invoiceDate: '' }, 'MandatoryField', 'Invoice Date is mandatory'],
    [
      'invoiceDate',
      { invoiceDate: '2026-03-01T12:00:00.001Z' },
      'DataValidation',
      'Invoice date cannot be greater than current date',
    ],
    [
      'invoiceDate',
      { invoiceDate: '14/12/2019' },
      'DataValidation',
      'Invoice date is not a valid ISO-8601 date-time',
    ],
    [
      'exceptionType',
      { status: 'Exception' },
      'DataValidation',
      'Exception types cannot be empty for Invoice Status',
    ],
    [
      'exceptionType',
      { exceptionType: 'PriceMismatch' },
      'DataValidation',
      'Exception types cannot exist for Invoice Status: (SentForPayment)',
    ],
  ])('%s: %j -> %s "%s"', (path, change, code, message) => {
    expect(invoiceStatusRules({ ...invoice, ...change }, now)).toEqual([{ code, message, path }]);
  });

  it('accepts a date equal to now, and Exception (any case) with its type', () => {
    expect(invoiceStatusRules({ ...invoice, invoiceDate: now.toISOString() }, now)).toEqual([]);
    expect(
      invoiceStatusRules({ ...invoice, status: 'exception', exceptionType: 'PriceMismatch' }, now),
    ).toEqual([]);
  });

  it('treats missing (undefined at runtime) fields as missing and reports them all', () => {
    const empty = {} as InvoiceStatusItem;
    expect(invoiceStatusRules(empty, now).map((e) => e.path)).toEqual([
      'documentNumber',
      'status',
      'partnerCode',
      'invoiceDate',
    ]);
  });

  it('does not judge exceptionType while the status itself is missing', () => {
    expect(
      invoiceStatusRules({ ...invoice, status: '', exceptionType: 'X' }, now).map((e) => e.path),
    ).toEqual(['status']);
  });
});

describe('creditMemoStatusRules', () => {
  it('accepts the spec success example', () => {
    expect(creditMemoStatusRules(memo, now)).toEqual([]);
  });

  it.each([
    ['documentNumber', { documentNumber: '' }, 'MandatoryField', 'Document Number is mandatory'],
    [
      'status',
      { status: '' },
      'MandatoryField',
      'There was an error in processing the CreditMemo Status as Type is mandatory',
    ],
    ['partnerCode', { partnerCode: '' }, 'MandatoryField', 'Client partner code is mandatory'],
    ['creditMemoDate', { creditMemoDate: '' }, 'MandatoryField', 'Invoice date is mandatory'],
    [
      'creditMemoDate',
      { creditMemoDate: '2027-01-01T00:00:00Z' },
      'DataValidation',
      'Invoice date cannot be greater than current date',
    ],
    [
      'exceptionType',
      { exceptionType: 'X' },
      'DataValidation',
      'Exception types are not part of GEP credit-memo statuses: leave exceptionType out',
    ],
  ])('%s: %j -> %s "%s"', (path, change, code, message) => {
    expect(creditMemoStatusRules({ ...memo, ...change }, now)).toEqual([{ code, message, path }]);
  });

  it('does not require an exception type for status Exception', () => {
    expect(creditMemoStatusRules({ ...memo, status: 'Exception' }, now)).toEqual([]);
  });
});

describe('client partner code and isPartnerInvNoForPayment', () => {
  const { partnerCode: _invoiceCode, ...invoiceWithout } = invoice;
  const { partnerCode: _memoCode, ...memoWithout } = memo;
  const mandatory = [
    { path: 'partnerCode', code: 'MandatoryField', message: 'Client partner code is mandatory' },
  ];

  it('is mandatory when isPartnerInvNoForPayment=1 (the default)', () => {
    const noCode = invoiceWithout as InvoiceStatusItem;
    expect(invoiceStatusRules(noCode, now)).toEqual(mandatory);
    expect(invoiceStatusRules(noCode, now, { partnerCodeRequired: true })).toEqual(mandatory);
    expect(creditMemoStatusRules(memoWithout as CreditMemoStatusItem, now)).toEqual(mandatory);
  });

  it('may be left out when isPartnerInvNoForPayment=0', () => {
    const off = { partnerCodeRequired: false };
    expect(invoiceStatusRules(invoiceWithout as InvoiceStatusItem, now, off)).toEqual([]);
    expect(creditMemoStatusRules(memoWithout as CreditMemoStatusItem, now, off)).toEqual([]);
  });
});
