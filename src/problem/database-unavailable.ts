/**
 * Whether an error means the database is unavailable (rather than a bug or a bad query): the
 * connection could not be made or was lost, or the server is shutting down, starting or
 * recovering. Such a failure is answered 503 `database_unavailable` with Retry-After, not 500.
 *
 * - SQLSTATE class 08 (connection exception) and 57P01 admin_shutdown, 57P02 crash_shutdown,
 *   57P03 cannot_connect_now, on the error itself (pg's DatabaseError), on TypeORM's
 *   QueryFailedError (which copies them) or on its `driverError`;
 * - a socket that could not connect or broke (ECONNREFUSED, ECONNRESET, ...);
 * - node-postgres's own errors for a lost or unobtainable connection, which carry no code.
 */

const SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const SQLSTATE_CLASS = /^08[0-9A-Z]{3}$/;
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const DRIVER_MESSAGES: [RegExp, string][] = [
  [/^Connection terminated/, 'connection_terminated'],
  [/^timeout exceeded when trying to connect/, 'connect_timeout'],
  [/is not queryable/, 'connection_lost'],
];

const MAX_DEPTH = 4;

/**
 * The reason the error says the database is unavailable (the SQLSTATE, the socket error code or
 * a short name of the driver's message), or undefined when it says something else.
 */
export function databaseUnavailableReason(error: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH || error === null || typeof error !== 'object') return undefined;
  const { code, syscall, message, driverError, cause, errors } = error as {
    code?: unknown;
    syscall?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (SQLSTATES.has(code) || SQLSTATE_CLASS.test(code)) return code;
    if (SOCKET_CODES.has(code)) return code;
    // a Unix socket that is not there (the server is stopped) fails its connect with ENOENT
    if (code === 'ENOENT' && syscall === 'connect') return code;
  }
  if (typeof message === 'string') {
    for (const [pattern, reason] of DRIVER_MESSAGES) if (pattern.test(message)) return reason;
  }
  for (const inner of [driverError, cause, ...(Array.isArray(errors) ? errors : [])]) {
    const reason = databaseUnavailableReason(inner, depth + 1);
    if (reason) return reason;
  }
  return undefined;
}

/** Seconds a caller is asked to wait (Retry-After) before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;
