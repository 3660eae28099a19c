import { redactLogObject } from './logging.module';

describe('redactLogObject', () => {
  it('masks secret keys at any depth with the shared redaction utility', () => {
    const err = new Error('boom');
    const out = redactLogObject({
      token: 'abc',
      upstream: {
        headers: { authorization: 'Bearer x', accept: 'json' },
        body: [{ sharedSecret: 's' }],
      },
      err,
      count: 3,
    });
    expect(out).toEqual({
      token: '[REDACTED]',
      upstream: {
        headers: { authorization: '[REDACTED]', accept: 'json' },
        body: [{ sharedSecret: '[REDACTED]' }],
      },
      err,
      count: 3,
    });
  });

  it('leaves objects with their own serializer alone', () => {
    class Raw {
      password = 'kept for the serializer';
    }
    const req = new Raw();
    expect(redactLogObject({ req }).req).toBe(req);
  });
});
