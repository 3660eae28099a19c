import { serverFlags } from './embedded-postgres';

describe('serverFlags (embedded PostgreSQL settings)', () => {
  const pairs = (flags: string[]) => flags.filter((_, i) => i % 2 === 1);

  it('keeps durability on for a data folder and off for an ephemeral one', () => {
    expect(pairs(serverFlags(30, false))).toEqual([
      'listen_addresses=127.0.0.1',
      'unix_socket_directories=',
      'max_connections=30',
      'logging_collector=off',
      'log_min_messages=warning',
    ]);
    expect(pairs(serverFlags(30, true))).toEqual(
      expect.arrayContaining(['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    );
  });

  it('adds extra settings after its own, each as one -c argument', () => {
    const flags = serverFlags(30, false, {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'top',
    });
    expect(flags.slice(-4)).toEqual([
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'pg_stat_statements.track=top',
    ]);
  });

  it('refuses to override its own settings or take a malformed one', () => {
    expect(() => serverFlags(30, false, { listen_addresses: '*' })).toThrow(
      'embedded Postgres: listen_addresses is chosen by this module, not an extra setting',
    );
    expect(() => serverFlags(30, false, { fsync: 'off' })).toThrow(/fsync is chosen/);
    expect(() => serverFlags(30, false, { 'work_mem=1MB -c x': '1' })).toThrow(
      /invalid extra setting/,
    );
    expect(() => serverFlags(30, false, { work_mem: '1MB\nfsync=off' })).toThrow(
      /invalid extra setting "work_mem"/,
    );
  });
});
