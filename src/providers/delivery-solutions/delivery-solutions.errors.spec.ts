import { UpstreamError } from '@lib/upstream-http';
import {
  createWasNotProcessed,
  dsAnswerError,
  isDsDuplicateInvoice,
  parseDsError,
  reclassifyDsError,
} from './delivery-solutions.errors';

const upstream = (init: Partial<ConstructorParameters<typeof UpstreamError>[0]>) =>
  new UpstreamError({
    provider: 'delivery-solutions',
    kind: 'rejected',
    transient: false,
    message: 'Upstream "delivery-solutions" rejected createInvoice (HTTP 422): x',
    ...init,
  });

describe('parseDsError', () => {
  it('uses the type as the code, not the optional code field', () => {
    expect(
      parseDsError(404, { type: 'NOT_FOUND', message: 'Invoice not found', code: 1234 }),
    ).toEqual({ code: 'NOT_FOUND', message: 'Invoice not found' });
  });

  it('adds the distinct messages of errors[]', () => {
    expect(
      parseDsError(400, {
        type: 'INVALID_DATA',
        message: 'Please enter the phone number in E.164 format',
        errors: [
          { type: 'INVALID_DATA', message: 'Please enter the phone number in E.164 format' },
          { type: 'INVALID_DATA', message: '"orderInfo.status" is required' },
        ],
      }),
    ).toEqual({
      code: 'INVALID_DATA',
      message: 'Please enter the phone number in E.164 format; "orderInfo.status" is required',
    });
  });

  it('falls back to the first nested type and ignores non-objects', () => {
    expect(parseDsError(401, { errors: [{ type: 'UNAUTHORIZED' }] })).toEqual({
      code: 'UNAUTHORIZED',
      message: undefined,
    });
    expect(parseDsError(502, 'gateway down')).toBeUndefined();
  });
});

describe('reclassifyDsError', () => {
  it('makes UNMAPPED_ERROR (422, transient per the spec) unavailable and transient', () => {
    const out = reclassifyDsError(upstream({ httpStatus: 422, code: 'UNMAPPED_ERROR' }));
    expect(out).toBeInstanceOf(UpstreamError);
    expect(out).toMatchObject({
      kind: 'unavailable',
      transient: true,
      code: 'UNMAPPED_ERROR',
      httpStatus: 422,
    });
  });

  it('leaves every other error alone', () => {
    const hard = upstream({ httpStatus: 422, code: 'GEOCODING_FAILED' });
    expect(reclassifyDsError(hard)).toBe(hard);
    const plain = new Error('x');
    expect(reclassifyDsError(plain)).toBe(plain);
  });
});

describe('createWasNotProcessed', () => {
  it('is true only when the create surely did not land', () => {
    expect(
      createWasNotProcessed(upstream({ httpStatus: 429, kind: 'unavailable', transient: true })),
    ).toBe(true);
    expect(
      createWasNotProcessed(
        upstream({ code: 'ECONNREFUSED', kind: 'unavailable', transient: true }),
      ),
    ).toBe(true);
    expect(
      createWasNotProcessed(
        upstream({ code: 'CONNECT_TIMEOUT', kind: 'timeout', transient: true }),
      ),
    ).toBe(true);
    expect(
      createWasNotProcessed(
        upstream({ code: 'TOKEN_ACQUISITION_FAILED', kind: 'unavailable', transient: true }),
      ),
    ).toBe(true);
    expect(
      createWasNotProcessed(upstream({ code: 'TIMEOUT', kind: 'timeout', transient: true })),
    ).toBe(false);
    expect(
      createWasNotProcessed(upstream({ code: 'ECONNRESET', kind: 'unavailable', transient: true })),
    ).toBe(false);
    expect(
      createWasNotProcessed(upstream({ httpStatus: 500, kind: 'unavailable', transient: true })),
    ).toBe(false);
    expect(createWasNotProcessed(new Error('x'))).toBe(false);
  });
});

describe('isDsDuplicateInvoice', () => {
  it('recognises the 422 "Invoice already Exists" answer', () => {
    expect(
      isDsDuplicateInvoice(
        upstream({
          httpStatus: 422,
          code: 'INVALID_DATA',
          message: 'rejected (HTTP 422): Invoice already Exists',
        }),
      ),
    ).toBe(true);
    expect(isDsDuplicateInvoice(upstream({ httpStatus: 400, code: 'INVALID_DATA' }))).toBe(false);
  });
});

describe('dsAnswerError', () => {
  it('accepts an answer with an id and flags one without', () => {
    expect(dsAnswerError('createInvoice', 201, { id: 'abc' })).toBeUndefined();
    expect(dsAnswerError('createInvoice', 201, {})).toMatchObject({
      kind: 'unavailable',
      code: 'INVALID_RESPONSE',
    });
  });
});
