import type { AuthStrategy, OutgoingRequest } from '@lib/auth-strategies';
import { PathScopedAuth, gepSmartErrorParser } from './gep-smart.client';

describe('gepSmartErrorParser', () => {
  it('reads a batch answer without per-item details', () => {
    expect(
      gepSmartErrorParser(400, {
        data: null,
        statusCode: '400',
        errorDetails: [
          {
            key: '',
            errors: [
              { errorCode: 'MandatoryField', errorDescription: 'InvoiceStatusModel is missing' },
            ],
          },
        ],
        successDetails: [],
      }),
    ).toEqual({ code: 'MandatoryField', message: 'InvoiceStatusModel is missing' });
  });

  it('reads ASP.NET { Message }', () => {
    expect(
      gepSmartErrorParser(401, { Message: 'Authorization has been denied for this request.' }),
    ).toEqual({ message: 'Authorization has been denied for this request.' });
  });

  it('leaves other bodies to the default parser', () => {
    expect(gepSmartErrorParser(500, 'boom')).toBeUndefined();
    expect(gepSmartErrorParser(500, {})).toBeUndefined();
  });
});

describe('PathScopedAuth', () => {
  const inner: AuthStrategy = {
    name: 'mark',
    refreshable: false,
    apply: async (req) => {
      req.body = { marked: true };
    },
    secretValues: () => ['s3cret'],
  };
  const scoped = new PathScopedAuth('/api/Invoice/CreditMemoStatusBatch', inner);
  const request = (url: string): OutgoingRequest => ({
    method: 'POST',
    url,
    headers: {},
    body: {},
  });

  it('applies the inner strategy to its path only (under any base path)', async () => {
    const memo = request('https://gep.example.com/tenant/api/Invoice/CreditMemoStatusBatch');
    const invoice = request('https://gep.example.com/tenant/api/Invoice/InvoiceStatusdetails');
    await scoped.apply(memo, { provider: 'gep-smart' });
    await scoped.apply(invoice, { provider: 'gep-smart' });
    expect(memo.body).toEqual({ marked: true });
    expect(invoice.body).toEqual({});
  });

  it('always reports the inner secrets for masking', () => {
    expect(scoped.secretValues()).toEqual(['s3cret']);
    expect(scoped.refreshable).toBe(false);
  });
});
