/** The console session cookie and the header cookie sessions must send on mutating calls. */
export const SESSION_COOKIE = 'igw_console';
export const CSRF_HEADER = 'x-console-csrf';
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token of a Cookie header, when it holds one of the right shape. */
export function sessionTokenOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join('; ') : header;
  if (!value) return undefined;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const token = part.slice(eq + 1).trim();
    if (TOKEN.test(token)) return token;
  }
  return undefined;
}

/** Set-Cookie for a new session: HttpOnly, SameSite=Strict, the whole origin, Secure when asked. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Set-Cookie that makes the browser drop the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
