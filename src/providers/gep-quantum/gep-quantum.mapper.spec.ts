import type { RemittanceItem } from '../provider.contract';
import {
  detailMatches,
  parseQuantumAnswer,
  remittanceKey,
  reportsOnRemittances,
  toQuantumRemittanceDetail,
  toRemittanceResults,
} from './gep-quantum.mapper';

const full: RemittanceItem = {
  documentNumber: 'INV-2024-001',
  supplierInvoiceNumber: 'SUP-77',
  clientSupplierCode: 'CSC-9',
  sourceSystem: 'SAP',
  batchId: 'B-1',
  status: 'Paid',
  payment: {
    referenceNumber: 'PAY-REF-1',
    remittanceId: 'REM-1',
    method: 'ACH',
    date: '2021-11-01T00:00:00Z',
    grossAmount: 1000.5,
    netAmount: 990.25,
    discountAmount: 10.25,
    adjustmentAmount: 0,
    currency: 'USD',
  },
  comment: 'paid in full',
};

const minimal = (change: Partial<RemittanceItem> = {}): RemittanceItem => ({
  documentNumber: 'DOC-1',
  status: 'Paid',
  payment: { referenceNumber: 'R-1', remittanceId: 'M-1', date: '2021-11-01T00:00:00Z' },
  ...change,
});

describe('toQuantumRemittanceDetail', () => {
  it('maps every field to Quantum names', () => {
    expect(toQuantumRemittanceDetail(full)).toStrictEqual({
      documentNumber: 'INV-2024-001',
      supplierInvoiceNumber: 'SUP-77',
      clientSupplierCode: 'CSC-9',
      sourceSystemName: 'SAP',
      batchId: 'B-1',
      paymentReferenceNumber: 'PAY-REF-1',
      paymentRemittanceId: 'REM-1',
      paymentMethod: 'ACH',
      paymentDate: '2021-11-01T00:00:00.000Z',
      grossAmount: 1000.5,
      netAmount: 990.25,
      discountAmount: 10.25,
      adjustmentAmount: 0,
      currency: 'USD',
      statusInfo: 'Paid',
      comments: { commentText: 'paid in full' },
    });
  });

  it('leaves optional fields out', () => {
    expect(toQuantumRemittanceDetail(minimal())).toStrictEqual({
      documentNumber: 'DOC-1',
      paymentReferenceNumber: 'R-1',
      paymentRemittanceId: 'M-1',
      paymentDate: '2021-11-01T00:00:00.000Z',
      statusInfo: 'Paid',
    });
  });
});

describe('remittanceKey', () => {
  it.each([
    [
      { documentNumber: 'D', supplierInvoiceNumber: 'S', clientSupplierCode: 'C', batchId: 'B' },
      'D',
    ],
    [
      { documentNumber: ' ', supplierInvoiceNumber: 'S', clientSupplierCode: 'C', batchId: 'B' },
      'S',
    ],
    [{ documentNumber: undefined, clientSupplierCode: 'C', batchId: 'B' }, 'C'],
    [{ documentNumber: undefined, batchId: 'B' }, 'B'],
    [{ documentNumber: undefined }, ''],
  ])('%j -> %s', (ids, key) => {
    expect(remittanceKey(minimal(ids))).toBe(key);
  });
});

/** A detail as GEP echoes it (see the spec's answer). */
function detail(
  sent: RemittanceItem,
  outcome:
    | { error: { errorCode: string; errorDescription: string }; documentStatus?: string }
    | { documentStatus: string; documentURL: string },
) {
  const echo = toQuantumRemittanceDetail(sent);
  const entry = (extra: object) => ({
    documentNumber: echo.documentNumber ?? null,
    documentStatus: outcome.documentStatus ?? null,
    ...extra,
  });
  return {
    errors:
      'error' in outcome
        ? [entry({ interfaceStatus: 'Failed', documentURL: null, ...outcome.error })]
        : [],
    success:
      'error' in outcome
        ? []
        : [
            entry({
              interfaceStatus: 'Processed',
              documentURL: outcome.documentURL,
              errorCode: null,
              errorDescription: null,
            }),
          ],
    paymentReferenceNumber: echo.paymentReferenceNumber,
    paymentRemittanceId: echo.paymentRemittanceId,
    paymentMethod: echo.paymentMethod ?? null,
    paymentDate: echo.paymentDate,
    grossAmount: echo.grossAmount ?? null,
    netAmount: null,
    discountAmount: null,
    adjustmentAmount: null,
    currency: echo.currency ?? null,
    statusInfo: echo.statusInfo,
    comments: null,
    batchId: echo.batchId ?? null,
    documentNumber: echo.documentNumber ?? null,
    clientSupplierCode: echo.clientSupplierCode ?? null,
    sourceSystemName: echo.sourceSystemName ?? null,
    supplierInvoiceNumber: echo.supplierInvoiceNumber ?? null,
  };
}

const answer = (errorDetails: unknown[], successDetails: unknown[]) => ({
  returnValue: { errorDetails, successDetails },
  isSuccess: errorDetails.length === 0,
  errors: null,
  exception: null,
  errorMessage: null,
  errorCode: null,
  correlationId: '0HN52BAMD1GUV:00000001',
});

describe('parseQuantumAnswer', () => {
  it('reads returnValue, isSuccess and correlationId', () => {
    const ok = detail(minimal(), { documentStatus: 'Paid', documentURL: 'https://leo/DOC-1' });
    expect(parseQuantumAnswer(answer([], [ok]))).toStrictEqual({
      errorDetails: [],
      successDetails: [ok],
      isSuccess: true,
      correlationId: '0HN52BAMD1GUV:00000001',
    });
  });

  it('reads keys in any case', () => {
    expect(
      parseQuantumAnswer({ ReturnValue: { ErrorDetails: [{ a: 1 }] }, IsSuccess: false }),
    ).toStrictEqual({ errorDetails: [{ a: 1 }], successDetails: [], isSuccess: false });
  });

  it.each([
    [
      'returnValue null (exception)',
      { returnValue: null, isSuccess: false, errorMessage: 'Exception Occurred' },
    ],
    ['no detail arrays', { returnValue: {}, isSuccess: true }],
    ['APIM body', { statusCode: 401, message: 'Access denied' }],
    ['an array', []],
  ])('is undefined for %s', (_name, body) => {
    expect(parseQuantumAnswer(body)).toBeUndefined();
  });
});

describe('detailMatches', () => {
  const sent = toQuantumRemittanceDetail(full);

  it('matches on every echoed identifier, case-insensitively', () => {
    expect(
      detailMatches(sent, { documentNumber: 'inv-2024-001', paymentRemittanceId: 'rem-1' }),
    ).toBe(true);
  });

  it('ignores fields GEP echoes as null or empty', () => {
    expect(
      detailMatches(sent, {
        documentNumber: 'INV-2024-001',
        batchId: null,
        supplierInvoiceNumber: '',
      }),
    ).toBe(true);
  });

  it('does not match when one echoed identifier differs, or when none is echoed', () => {
    expect(
      detailMatches(sent, { documentNumber: 'INV-2024-001', paymentRemittanceId: 'REM-2' }),
    ).toBe(false);
    expect(detailMatches(sent, { statusInfo: 'Paid' })).toBe(false);
  });
});

describe('toRemittanceResults', () => {
  const a = minimal({
    documentNumber: 'A',
    payment: { ...minimal().payment, remittanceId: 'M-A' },
  });
  const b = minimal({
    documentNumber: undefined,
    supplierInvoiceNumber: 'SUP-B',
    payment: { ...minimal().payment, remittanceId: 'M-B' },
  });
  const c = minimal({
    documentNumber: 'C',
    payment: { ...minimal().payment, remittanceId: 'M-C' },
  });

  it('reports each item in input order with Quantum statuses and URL', () => {
    const parsed = parseQuantumAnswer(
      answer(
        [
          detail(b, {
            error: {
              errorCode: 'DataValidation',
              errorDescription: 'Invalid Supplier Invoice Number',
            },
            documentStatus: 'ReadyForPayment',
          }),
        ],
        [
          detail(c, { documentStatus: 'Paid', documentURL: 'https://leo/C' }),
          detail(a, { documentStatus: 'Paid', documentURL: 'https://leo/A' }),
        ],
      ),
    )!;
    expect(toRemittanceResults([a, b, c], parsed)).toStrictEqual([
      {
        key: 'A',
        status: 'accepted',
        documentStatus: 'Paid',
        interfaceStatus: 'Processed',
        documentUrl: 'https://leo/A',
        errors: [],
        correlationId: '0HN52BAMD1GUV:00000001',
      },
      {
        key: 'SUP-B',
        status: 'rejected',
        documentStatus: 'ReadyForPayment',
        interfaceStatus: 'Failed',
        errors: [{ code: 'DataValidation', message: 'Invalid Supplier Invoice Number' }],
        correlationId: '0HN52BAMD1GUV:00000001',
      },
      {
        key: 'C',
        status: 'accepted',
        documentStatus: 'Paid',
        interfaceStatus: 'Processed',
        documentUrl: 'https://leo/C',
        errors: [],
        correlationId: '0HN52BAMD1GUV:00000001',
      },
    ]);
  });

  it('keeps no correlationId when the answer has none', () => {
    const { correlationId: _none, ...withoutId } = answer(
      [],
      [detail(a, { documentStatus: 'Paid', documentURL: 'u' })],
    );
    const results = toRemittanceResults([a], parseQuantumAnswer(withoutId)!);
    expect(results[0]).not.toHaveProperty('correlationId');
  });

  it('tells apart two remittances for one document by remittance id', () => {
    const first = minimal({ payment: { ...minimal().payment, remittanceId: 'M-1' } });
    const second = minimal({ payment: { ...minimal().payment, remittanceId: 'M-2' } });
    const parsed = parseQuantumAnswer(
      answer(
        [detail(second, { error: { errorCode: 'DataValidation', errorDescription: 'no' } })],
        [detail(first, { documentStatus: 'Paid', documentURL: 'u' })],
      ),
    )!;
    expect(toRemittanceResults([first, second], parsed).map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
    ]);
  });

  it('reports identical items with mixed fates as ambiguous', () => {
    const parsed = parseQuantumAnswer(
      answer(
        [detail(a, { error: { errorCode: 'DataValidation', errorDescription: 'no' } })],
        [detail(a, { documentStatus: 'Paid', documentURL: 'u' })],
      ),
    )!;
    const results = toRemittanceResults([a, a], parsed);
    expect(results.map((r) => r.errors[0].code)).toEqual(['AmbiguousResult', 'AmbiguousResult']);
  });

  it('rejects an item with no detail as NoResult', () => {
    const parsed = parseQuantumAnswer(answer([], []))!;
    expect(toRemittanceResults([a], parsed)[0]).toMatchObject({
      key: 'A',
      status: 'rejected',
      errors: [{ code: 'NoResult' }],
    });
  });

  it('reportsOnRemittances: true only when a detail names an item sent', () => {
    const sent = [toQuantumRemittanceDetail(a)];
    expect(
      reportsOnRemittances(
        sent,
        parseQuantumAnswer(
          answer([detail(a, { error: { errorCode: 'x', errorDescription: 'y' } })], []),
        )!,
      ),
    ).toBe(true);
    expect(
      reportsOnRemittances(
        sent,
        parseQuantumAnswer(
          answer([detail(c, { error: { errorCode: 'x', errorDescription: 'y' } })], []),
        )!,
      ),
    ).toBe(false);
  });
});
