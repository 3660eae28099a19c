import { runCli, type CliIo } from '../src/cli/cli';

describe('cli (e2e, the test database)', () => {
  it('says which database it used, without the password', async () => {
    const url = new URL(String(process.env.DATABASE_URL));
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { DATABASE_URL: process.env.DATABASE_URL },
    };
    expect(await runCli(['clients:list'], io)).toBe(0);
    expect(err).toEqual([
      `Database: PostgreSQL ${url.username ? `${url.username}@` : ''}${url.host}${url.pathname} (DATABASE_URL)`,
    ]);
    if (url.password) expect(err.join('\n')).not.toContain(url.password);
    expect(out.length).toBeGreaterThan(0);
  });
});
