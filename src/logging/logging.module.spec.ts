import { QueryFailedError } from 'typeorm';
import { redactLogObject, serializeError } from './logging.module';

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

describe('serializeError', () => {
  it('keeps type, message, code and stack of ordinary errors', () => {
    const out = serializeError(Object.assign(new Error('boom'), { code: 'E1' }));
    expect(out).toMatchObject({ type: 'Error', message: 'boom', code: 'E1' });
    expect(out.stack).toContain('boom');
  });

  it('leaves out the SQL, parameters and detail of a database error', () => {
    const driverError = Object.assign(new Error('invalid input: hunter2-SECRET'), {
      code: '22P05',
      detail: 'hunter2-SECRET',
    });
    const error = new QueryFailedError(
      'INSERT INTO x VALUES ($1)',
      ['{"password":"hunter2-SECRET"}'],
      driverError,
    );
    const out = serializeError(error);
    expect(out).toEqual({
      type: 'QueryFailedError',
      message: 'database query failed',
      code: '22P05',
      stack: undefined,
    });
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });
});
