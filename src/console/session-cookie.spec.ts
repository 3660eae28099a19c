import { clearedSessionCookie, sessionCookie, sessionTokenOf } from './session-cookie';

const TOKEN = 'A'.repeat(20) + '_-' + 'b'.repeat(21);

describe('console session cookie', () => {
  it('finds the token among other cookies', () => {
    expect(sessionTokenOf(`theme=dark; igw_console=${TOKEN}; other=1`)).toBe(TOKEN);
    expect(sessionTokenOf([`a=1`, `igw_console=${TOKEN}`])).toBe(TOKEN);
  });

  it('ignores missing, foreign and malformed values', () => {
    expect(sessionTokenOf(undefined)).toBeUndefined();
    expect(sessionTokenOf('igw_consoleX=abc')).toBeUndefined();
    expect(sessionTokenOf('igw_console=short')).toBeUndefined();
    expect(sessionTokenOf(`igw_console=${TOKEN}x`)).toBeUndefined();
    expect(sessionTokenOf(`igw_console="${TOKEN}"`)).toBeUndefined();
  });

  it('is HttpOnly, SameSite=Strict and Secure only when asked', () => {
    expect(sessionCookie(TOKEN, 60, false)).toBe(
      `igw_console=${TOKEN}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60`,
    );
    expect(sessionCookie(TOKEN, 60, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toBe(
      'igw_console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
    );
  });
});
