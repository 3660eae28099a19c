import type { CreditMemoStatusItem, InvoiceStatusItem } from '../provider.contract';
import {
  parseGepBatchAnswer,
  reportsOnItems,
  toBatchItemResults,
  toGepCreditMemoStatusModel,
  toGepInvoiceStatusModel,
} from './gep-smart.mapper';
import type { GepBatchAnswer } from './gep-smart.types';

const fullInvoice: InvoiceStatusItem = {
  documentNumber: 'DEV_Inv070918A',
  status: 'Exception',
  invoiceDate: '2019-12-14T12:47:24.534+01:00',
  partnerCode: 'PC-1530698055599',
  sourceSystem: 'SAP-EU',
  lob: 'KNA-SAP',
  exceptionType: 'PriceMismatch',
  comment: {
    text: 'Held for price check',
    accessType: 'Internal',
    attachments: [{ fileName: 'po.pdf', fileUri: 'https://files.example.com/po.pdf' }],
  },
};

describe('toGepInvoiceStatusModel', () => {
  it('maps every field to GEP names, misspellings included', () => {
    expect(toGepInvoiceStatusModel(fullInvoice)).toStrictEqual({
      sourceSytemName: 'SAP-EU',
      documentNumber: 'DEV_Inv070918A',
      documentstatusInfo: 'Exception',
      comments: {
        commentText: 'Held for price check',
        accessType: 'Internal',
        commentAttachment: [{ fileName: 'po.pdf', fileUri: 'https://files.example.com/po.pdf' }],
      },
      lob: 'KNA-SAP',
      clientPartnerCode: 'PC-1530698055599',
      invoiceDate: '2019-12-14T11:47:24.534Z',
      exceptionType: 'PriceMismatch',
    });
  });

  it('leaves optional fields out rather than sending undefined', () => {
    const model = toGepInvoiceStatusModel({
      documentNumber: 'INV-1',
      status: 'SentForPayment',
      invoiceDate: '2020-01-22T12:24:52.146Z',
      partnerCode: 'PC-1',
    });
    expect(model).toStrictEqual({
      documentNumber: 'INV-1',
      documentstatusInfo: 'SentForPayment',
      clientPartnerCode: 'PC-1',
      invoiceDate: '2020-01-22T12:24:52.146Z',
    });
    expect(Object.keys(model)).not.toContain('exceptionType');
  });

  it('keeps empty strings the caller gave (GEP reports them in its words)', () => {
    expect(
      toGepInvoiceStatusModel({ ...fullInvoice, status: '', exceptionType: '', sourceSystem: '' }),
    ).toMatchObject({ documentstatusInfo: '', exceptionType: '', sourceSytemName: '' });
  });

  it('normalises dates to UTC with milliseconds and passes non-dates on unchanged', () => {
    expect(toGepInvoiceStatusModel({ ...fullInvoice, invoiceDate: '2020-01-22' }).invoiceDate).toBe(
      '2020-01-22T00:00:00.000Z',
    );
    expect(toGepInvoiceStatusModel({ ...fullInvoice, invoiceDate: 'yesterday' }).invoiceDate).toBe(
      'yesterday',
    );
  });

  it('maps a comment without attachments', () => {
    expect(
      toGepInvoiceStatusModel({ ...fullInvoice, comment: { text: 'x' } }).comments,
    ).toStrictEqual({ commentText: 'x' });
  });
});

describe('toGepCreditMemoStatusModel', () => {
  const memo: CreditMemoStatusItem = {
    documentNumber: 'CM90w',
    status: 'Cancelled',
    creditMemoDate: '2020-02-07T08:31:54.609Z',
    partnerCode: '0080000006',
    sourceSystem: 'Client Supplier code',
    lob: 'KNA-SAP',
    comment: { text: 'The MEMO HAS BEEN CANCELLED' },
  };

  it("maps to the spec success example (the header block is the auth strategy's)", () => {
    expect(toGepCreditMemoStatusModel(memo)).toStrictEqual({
      documentStatus: 'Cancelled',
      sourceSytemName: 'Client Supplier code',
      documentNumber: 'CM90w',
      creditMemoDate: '2020-02-07T08:31:54.609Z',
      comments: { commentText: 'The MEMO HAS BEEN CANCELLED' },
      clientPartnerCode: '0080000006',
      lob: 'KNA-SAP',
    });
  });

  it('never sends an exception type or a header', () => {
    const model = toGepCreditMemoStatusModel({ ...memo, exceptionType: 'X' });
    expect(model).not.toHaveProperty('exceptionType');
    expect(model).not.toHaveProperty('header');
  });
});

describe('parseGepBatchAnswer', () => {
  it('reads the spec error answer', () => {
    expect(
      parseGepBatchAnswer({
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
      }),
    ).toStrictEqual({
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
    });
  });

  it('reads keys in any case and a numeric statusCode', () => {
    expect(
      parseGepBatchAnswer({
        StatusCode: 200,
        SuccessDetails: [{ Key: 'A' }],
        ErrorDetails: [
          { KEY: 'B', Errors: [{ ErrorCode: 'DataValidation', ErrorDescription: 'd' }] },
        ],
      }),
    ).toStrictEqual({
      data: null,
      statusCode: '200',
      errorDetails: [
        { key: 'B', errors: [{ errorCode: 'DataValidation', errorDescription: 'd' }] },
      ],
      successDetails: [{ key: 'A' }],
    });
  });

  it.each([
    ['ASP.NET message', { Message: 'An error has occurred.' }],
    ['a string', 'oops'],
    ['null', null],
    ['an array', []],
  ])('is undefined for %s', (_name, body) => {
    expect(parseGepBatchAnswer(body)).toBeUndefined();
  });
});

describe('reportsOnItems', () => {
  const answer = (keys: string[]): GepBatchAnswer => ({
    data: null,
    statusCode: '400',
    errorDetails: keys.map((key) => ({ key, errors: [] })),
    successDetails: [],
  });

  it('is true when a detail names an item sent', () => {
    expect(reportsOnItems(answer(['inv-1']), ['INV-1'])).toBe(true);
  });

  it('is false for a request-level error (empty key)', () => {
    expect(reportsOnItems(answer(['']), ['INV-1'])).toBe(false);
    expect(reportsOnItems(answer([]), ['INV-1'])).toBe(false);
  });
});

describe('toBatchItemResults', () => {
  const items = (...numbers: string[]) => numbers.map((documentNumber) => ({ documentNumber }));
  const error = (key: string, description = 'Invalid Invoice Number') => ({
    key,
    errors: [{ errorCode: 'DataValidation', errorDescription: description }],
  });
  const answer = (
    errorDetails: GepBatchAnswer['errorDetails'],
    successKeys: string[],
  ): GepBatchAnswer => ({
    data: null,
    statusCode: successKeys.length ? '200' : '400',
    errorDetails,
    successDetails: successKeys.map((key) => ({ key })),
  });

  it('keeps input order whatever the answer order', () => {
    const results = toBatchItemResults(items('A', 'B', 'C'), answer([error('B')], ['C', 'A']));
    expect(results).toStrictEqual([
      { key: 'A', status: 'accepted', errors: [] },
      {
        key: 'B',
        status: 'rejected',
        errors: [{ code: 'DataValidation', message: 'Invalid Invoice Number' }],
      },
      { key: 'C', status: 'accepted', errors: [] },
    ]);
  });

  it('matches keys trimmed and case-insensitively, reporting the key as sent', () => {
    expect(toBatchItemResults(items('inv-1'), answer([], [' INV-1 ']))).toStrictEqual([
      { key: 'inv-1', status: 'accepted', errors: [] },
    ]);
  });

  it('rejects an item GEP says nothing about with NoResult', () => {
    expect(toBatchItemResults(items('A', 'B'), answer([], ['A']))[1]).toStrictEqual({
      key: 'B',
      status: 'rejected',
      errors: [{ code: 'NoResult', message: 'GEP reported no result for this item' }],
    });
  });

  it('gives a rejection without errors a reason', () => {
    expect(toBatchItemResults(items('A'), answer([{ key: 'A', errors: [] }], []))).toStrictEqual([
      {
        key: 'A',
        status: 'rejected',
        errors: [{ code: 'Rejected', message: 'GEP rejected this item without a reason' }],
      },
    ]);
  });

  it('assigns repeated keys in order when GEP agrees on their fate', () => {
    const results = toBatchItemResults(
      items('A', 'A'),
      answer([error('A', 'first'), error('A', 'second')], []),
    );
    expect(results.map((r) => r.errors[0].message)).toEqual(['first', 'second']);
  });

  it('reports repeated keys with mixed fates as ambiguous, with GEP errors kept', () => {
    const results = toBatchItemResults(items('A', 'B', 'A'), answer([error('A')], ['A', 'B']));
    expect(results[1]).toStrictEqual({ key: 'B', status: 'accepted', errors: [] });
    for (const result of [results[0], results[2]]) {
      expect(result.status).toBe('rejected');
      expect(result.errors.map((e) => e.code)).toEqual(['AmbiguousResult', 'DataValidation']);
    }
  });

  it('lets a rejection win when GEP reports one item twice', () => {
    expect(toBatchItemResults(items('A'), answer([error('A')], ['A']))[0]).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'DataValidation' }],
    });
  });
});
