import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { databaseUnavailableReason } from './database-unavailable';
import { knownProblem } from './problem';

function pgError(code: string, message = 'server said no'): DatabaseError {
  const error = new DatabaseError(message, 0, 'error');
  error.code = code;
  return error;
}

function socketError(code: string, syscall = 'connect'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:5432`), { code, syscall });
}

describe('databaseUnavailableReason', () => {
  it.each([
    ['57P01', 'admin_shutdown'],
    ['57P02', 'crash_shutdown'],
    ['57P03', 'cannot_connect_now'],
    ['08000', 'connection_exception'],
    ['08003', 'connection_does_not_exist'],
    ['08006', 'connection_failure'],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ['08P01', 'protocol_violation'],
  ])('SQLSTATE %s (%s) is the database being unavailable', (code) => {
    expect(databaseUnavailableReason(pgError(code))).toBe(code);
    // as TypeORM throws it from a query: the code copied and kept in driverError
    expect(databaseUnavailableReason(new QueryFailedError('SELECT 1', [], pgError(code)))).toBe(
      code,
    );
    expect(databaseUnavailableReason({ driverError: { code } })).toBe(code);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'])(
    'a socket failing with %s is the database being unavailable',
    (code) => {
      expect(databaseUnavailableReason(socketError(code))).toBe(code);
    },
  );

  it('a Unix socket that is not there is unavailable; a missing file elsewhere is not', () => {
    expect(databaseUnavailableReason(socketError('ENOENT', 'connect'))).toBe('ENOENT');
    expect(databaseUnavailableReason(socketError('ENOENT', 'open'))).toBeUndefined();
  });

  it.each([
    ['Connection terminated unexpectedly', 'connection_terminated'],
    ['Connection terminated due to connection timeout', 'connection_terminated'],
    ['timeout exceeded when trying to connect', 'connect_timeout'],
    ['Client has encountered a connection error and is not queryable', 'connection_lost'],
  ])('node-postgres "%s" (no code) is %s', (message, reason) => {
    expect(databaseUnavailableReason(new Error(message))).toBe(reason);
    expect(
      databaseUnavailableReason(new QueryFailedError('SELECT 1', [], new Error(message))),
    ).toBe(reason);
  });

  it('finds the reason in a cause or in an AggregateError (connect tried on IPv4 and IPv6)', () => {
    expect(
      databaseUnavailableReason(
        new Error('could not save', { cause: socketError('ECONNREFUSED') }),
      ),
    ).toBe('ECONNREFUSED');
    expect(
      databaseUnavailableReason(
        new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]),
      ),
    ).toBe('ECONNREFUSED');
  });

  it.each([
    ['23505', 'unique_violation'],
    ['40001', 'serialization_failure'],
    ['57014', 'query_canceled (statement timeout)'],
    ['42P01', 'undefined_table'],
    ['53300', 'too_many_connections'],
  ])('SQLSTATE %s (%s) is not', (code) => {
    expect(databaseUnavailableReason(pgError(code))).toBeUndefined();
    expect(
      databaseUnavailableReason(new QueryFailedError('SELECT 1', [], pgError(code))),
    ).toBeUndefined();
  });

  it('an ordinary error, a non-error and a cycle of causes are not', () => {
    expect(databaseUnavailableReason(new Error('boom'))).toBeUndefined();
    expect(databaseUnavailableReason(new TypeError('x is undefined'))).toBeUndefined();
    expect(databaseUnavailableReason(null)).toBeUndefined();
    expect(databaseUnavailableReason('ECONNREFUSED')).toBeUndefined();
    const looped: { cause?: unknown } = new Error('a');
    looped.cause = looped;
    expect(databaseUnavailableReason(looped)).toBeUndefined();
  });
});

describe('knownProblem for a database that is away', () => {
  it('is 503 database_unavailable with Retry-After, not an unexpected error', () => {
    const problem = knownProblem(new QueryFailedError('SELECT 1', [], pgError('57P01')))!;
    expect(problem.code).toBe('database_unavailable');
    expect(problem.status).toBe(503);
    expect(problem.init.headers).toEqual({ 'retry-after': '2' });
    expect(knownProblem(pgError('23505'))).toBeUndefined();
  });
});
