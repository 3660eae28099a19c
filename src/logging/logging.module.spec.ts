import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { levelEnabled, redactLogObject, requestLogLevel, serializeError } from './logging.module';

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

describe('serializeError on database and wrapped errors', () => {
  function pgError(message: string): DatabaseError {
    const error = new DatabaseError(message, message.length, 'error');
    Object.assign(error, {
      code: '22P02',
      severity: 'ERROR',
      table: 'audit_logs',
      column: 'status',
      detail: 'Failing row contains (hunter2-SECRET).',
      hint: 'near hunter2-SECRET',
      where: 'SQL statement "SELECT hunter2-SECRET"',
    });
    return error;
  }

  it('keeps only the SQLSTATE and schema names of a pg error', () => {
    const out = serializeError(pgError('invalid input syntax for type integer: "hunter2-SECRET"'));
    expect(out).toEqual({
      type: 'error',
      message: 'database query failed',
      code: '22P02',
      severity: 'ERROR',
      table: 'audit_logs',
      column: 'status',
    });
  });

  it('reads the pg error behind a QueryFailedError and serializes causes the same way', () => {
    const failed = new QueryFailedError(
      'UPDATE operations SET body = $1',
      ['hunter2-SECRET'],
      pgError('value "hunter2-SECRET" is out of range'),
    );
    const wrapper = new Error('could not record the outcome', { cause: failed });
    const out = serializeError(wrapper);
    expect(out).toMatchObject({
      type: 'Error',
      message: 'could not record the outcome',
      cause: { type: 'QueryFailedError', message: 'database query failed', code: '22P02' },
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|UPDATE|\$1/);
  });

  it("accepts pino's serialized copy of an error (the original is in `raw`)", () => {
    const failed = new QueryFailedError('SELECT $1', ['hunter2-SECRET'], pgError('bad'));
    const copy = Object.defineProperty(
      { type: 'QueryFailedError', message: 'bad', query: 'SELECT $1' },
      'raw',
      { value: failed, enumerable: false },
    );
    expect(serializeError(copy)).toMatchObject({ message: 'database query failed' });
    expect(JSON.stringify(serializeError(copy))).not.toContain('SELECT');
  });

  it('serializes errors under keys other than err when redacting a log object', () => {
    const failed = new QueryFailedError('SELECT $1', ['hunter2-SECRET'], pgError('bad'));
    const out = redactLogObject({ error: failed, context: 'x' });
    expect(out.error).toMatchObject({ type: 'QueryFailedError', message: 'database query failed' });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|SELECT/);
  });
});

describe('serializeError on non-errors', () => {
  it('logs text as the message and objects with their secret keys masked', () => {
    expect(serializeError('socket hang up')).toEqual({ message: 'socket hang up' });
    expect(serializeError({ status: 7, token: 'abc' })).toEqual({
      value: { status: 7, token: '[REDACTED]' },
    });
  });
});

describe('request lines', () => {
  it('logs 5xx at error, 4xx at warn and the rest at info', () => {
    expect(requestLogLevel(200, false)).toBe('info');
    expect(requestLogLevel(302, false)).toBe('info');
    expect(requestLogLevel(404, false)).toBe('warn');
    expect(requestLogLevel(429, false)).toBe('warn');
    expect(requestLogLevel(500, false)).toBe('error');
    expect(requestLogLevel(503, false)).toBe('error');
    expect(requestLogLevel(503, false, 'upstream_unavailable')).toBe('error');
    expect(requestLogLevel(503, false, 'database_unavailable')).toBe('warn');
    expect(requestLogLevel(503, true, 'database_unavailable')).toBe('error');
    expect(requestLogLevel(200, true)).toBe('error');
  });
});

describe('levelEnabled', () => {
  it('writes a request line at or above LOG_LEVEL and skips the rest', () => {
    expect(levelEnabled('info', 'info')).toBe(true);
    expect(levelEnabled('info', 'warn')).toBe(false);
    expect(levelEnabled('warn', 'warn')).toBe(true);
    expect(levelEnabled('error', 'warn')).toBe(true);
    expect(levelEnabled('error', 'silent')).toBe(false);
    expect(levelEnabled('debug', 'trace')).toBe(true);
  });
});
