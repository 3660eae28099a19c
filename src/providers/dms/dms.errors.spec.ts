import { UpstreamError } from '@lib/upstream-http';
import { dmsAnswerError, parseDmsError } from './dms.errors';

describe('parseDmsError', () => {
  it('reads error_code as the code and error as the message', () => {
    expect(
      parseDmsError(400, {
        success: false,
        error: 'Dealer code X not found in DMS',
        error_code: 'INVALID_DEALER_CODE',
      }),
    ).toEqual({ code: 'INVALID_DEALER_CODE', message: 'Dealer code X not found in DMS' });
  });

  it('gives nothing for bodies that are not DMS errors', () => {
    expect(parseDmsError(502, '<html>bad gateway</html>')).toBeUndefined();
    expect(parseDmsError(500, {})).toBeUndefined();
  });
});

describe('dmsAnswerError', () => {
  it('accepts a success answer carrying the document number', () => {
    expect(
      dmsAnswerError(
        'createInvoice',
        200,
        { success: true, e_invoice_number: 'E1' },
        'e_invoice_number',
      ),
    ).toBeUndefined();
  });

  it('turns a 200 with success:false into a hard rejection keeping the DMS code', () => {
    const error = dmsAnswerError(
      'createInvoice',
      200,
      { success: false, error: 'IO number IO-X not found', error_code: 'IO_NOT_FOUND' },
      'e_invoice_number',
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      provider: 'dms',
      kind: 'rejected',
      transient: false,
      httpStatus: 200,
      code: 'IO_NOT_FOUND',
    });
    expect(error?.message).toContain('IO number IO-X not found');
  });

  it('treats a 200 with DMS_SERVICE_ERROR as transient', () => {
    const error = dmsAnswerError(
      'createCreditNote',
      200,
      { success: false, error: 'busy', error_code: 'DMS_SERVICE_ERROR' },
      'credit_note_number',
    );
    expect(error).toMatchObject({
      kind: 'unavailable',
      transient: true,
      code: 'DMS_SERVICE_ERROR',
    });
  });

  it('flags an answer without the document number as invalid', () => {
    expect(
      dmsAnswerError('createInvoice', 200, { success: true }, 'e_invoice_number'),
    ).toMatchObject({ kind: 'unavailable', transient: false, code: 'INVALID_RESPONSE' });
  });
});
