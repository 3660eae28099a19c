import { COMMANDS, describeDatabaseUrl, runCli, type CliIo } from './cli';

function capture(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  return { io, out, err };
}

// No database is reachable here: help and argument errors must not need one.
const unreachable = { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' };

describe('cli help', () => {
  it('lists every command for --help, -h and help, and exits 2 without a command', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { io, out } = capture(unreachable);
      expect(await runCli(argv, io)).toBe(0);
      const text = out.join('\n');
      for (const command of COMMANDS) expect(text).toContain(command.name);
      expect(text).toContain('node dist/src/cli.js');
    }
    const { io, out } = capture(unreachable);
    expect(await runCli([], io)).toBe(2);
    expect(out.join('\n')).toContain('clients:create');
  });

  it.each(COMMANDS.map((c) => c.name))(
    'shows the help of %s without opening a database',
    async (name) => {
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const { io, out, err } = capture(unreachable);
        expect(await runCli(argv, io)).toBe(0);
        expect(out.join('\n')).toMatch(new RegExp(`^Usage: npm run cli -- ${name}`));
        expect(err).toEqual([]);
      }
    },
  );

  it('refuses unknown commands and options with exit code 2 and the help', async () => {
    const unknown = capture(unreachable);
    expect(await runCli(['clients:delete'], unknown.io)).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/^Unknown command clients:delete/);

    const option = capture(unreachable);
    expect(await runCli(['clients:list', '--verbose'], option.io)).toBe(2);
    expect(option.err.join('\n')).toMatch(/Unknown option '--verbose'[\s\S]*clients:list/);
  });
});

describe('describeDatabaseUrl', () => {
  it('names user, host, port and database, never the password or query', () => {
    const text = describeDatabaseUrl(
      'postgres://billing:s3cr3t-pw@db.internal:6432/invoices?sslmode=require&password=x2',
    );
    expect(text).toBe('PostgreSQL billing@db.internal:6432/invoices (DATABASE_URL)');
    expect(text).not.toMatch(/s3cr3t|x2|sslmode/);
  });

  it('does not echo a DATABASE_URL that is not a URL', () => {
    expect(describeDatabaseUrl('host=db password=s3cr3t')).not.toContain('s3cr3t');
  });
});
