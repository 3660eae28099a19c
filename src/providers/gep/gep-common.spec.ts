import {
  assignOutcomes,
  compact,
  field,
  parseIsoDateTime,
  present,
  readGepErrors,
  sameKey,
  toGepDateTime,
} from './gep-common';

describe('gep-common', () => {
  it('present: only strings with visible content', () => {
    expect([present('a'), present(' '), present(''), present(1), present(undefined)]).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('parseIsoDateTime: ISO dates and date-times only', () => {
    expect(parseIsoDateTime('2021-11-01T00:00:00Z')).toBe(Date.UTC(2021, 10, 1));
    expect(parseIsoDateTime('2021-11-01')).toBe(Date.UTC(2021, 10, 1));
    expect(parseIsoDateTime('2021-11-01T01:00:00+01:00')).toBe(Date.UTC(2021, 10, 1));
    expect(parseIsoDateTime('2021-13-01')).toBeUndefined();
    expect(parseIsoDateTime('Nov 1 2021')).toBeUndefined();
    expect(parseIsoDateTime(20211101)).toBeUndefined();
  });

  it('toGepDateTime: UTC with milliseconds', () => {
    expect(toGepDateTime('2021-11-01T00:00:00Z')).toBe('2021-11-01T00:00:00.000Z');
    expect(toGepDateTime('not a date')).toBe('not a date');
  });

  it('compact drops undefined only', () => {
    expect(compact({ a: undefined, b: null, c: '', d: 0 })).toStrictEqual({ b: null, c: '', d: 0 });
  });

  it('field reads keys whatever their case, preferring the exact one', () => {
    expect(field({ ErrorCode: 'x' }, 'errorCode')).toBe('x');
    expect(field({ errorcode: 'a', errorCode: 'b' }, 'errorCode')).toBe('b');
    expect(field({}, 'errorCode')).toBeUndefined();
  });

  it('readGepErrors keeps code and description, fills whichever is missing', () => {
    expect(
      readGepErrors([
        { errorCode: 'MandatoryField', errorDescription: 'Document Number is mandatory' },
        { errorCode: 'DataValidation' },
        { errorDescription: 'Something' },
        { errorCode: '', errorDescription: null },
        'junk',
      ]),
    ).toEqual([
      { code: 'MandatoryField', message: 'Document Number is mandatory' },
      { code: 'DataValidation', message: 'DataValidation' },
      { code: 'Rejected', message: 'Something' },
    ]);
    expect(readGepErrors(null)).toEqual([]);
  });

  it('sameKey trims and ignores case', () => {
    expect(sameKey(' Ab ', 'aB')).toBe(true);
    expect(sameKey('a', undefined)).toBe(false);
  });

  it('assignOutcomes carries documentStatus, interfaceStatus and documentUrl', () => {
    expect(
      assignOutcomes(
        ['K'],
        [
          {
            accepted: true,
            errors: [],
            documentStatus: 'Paid',
            interfaceStatus: 'Processed',
            documentUrl: 'https://x/K',
          },
        ],
        () => true,
        (item) => item,
      ),
    ).toStrictEqual([
      {
        key: 'K',
        status: 'accepted',
        documentStatus: 'Paid',
        interfaceStatus: 'Processed',
        documentUrl: 'https://x/K',
        errors: [],
      },
    ]);
  });
});
