import { parseArgs } from 'node:util';
import { loadAppConfig } from '../config/app-config';
import { Database, runningEmbeddedUrl } from '../database/database';
import { ApiClientsService } from '../gateway/auth/api-clients.service';
import { SCOPES } from '../gateway/auth/scopes';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  clients:create --name <name> --scopes <scope,scope>   create an API client; prints its key once
  clients:list                                          list API clients (never their keys)
  clients:revoke <id|name>                              revoke a client's key

Scopes: ${SCOPES.join(', ')}
Database: DATABASE_URL, else the embedded database under DATA_DIR (the running gateway's, if any).`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

async function openDatabase(env: Record<string, string | undefined>): Promise<Database> {
  const config = loadAppConfig(env);
  const { database } = config;
  if (!database.url && !database.inMemory) {
    // a running gateway owns the embedded server of this DATA_DIR: connect to it
    const url = await runningEmbeddedUrl(database.dataDir);
    if (url) return Database.open({ ...database, url, poolSize: 2 });
  }
  return Database.open({ ...database, poolSize: 2 });
}

/** Runs one CLI command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const out = (line = '') => io.out(line);
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, scopes: { type: 'string' }, id: { type: 'string' } },
    allowPositionals: true,
  });
  const db = await openDatabase(io.env);
  try {
    const clients = new ApiClientsService(db.dataSource, loadAppConfig(io.env));
    switch (command) {
      case 'clients:create': {
        if (!values.name || !values.scopes) {
          io.err('clients:create needs --name and --scopes');
          return 2;
        }
        const { client, key } = await clients.create(
          values.name,
          values.scopes.split(',').map((s) => s.trim()),
        );
        out(`Created client ${client.name} (${client.id}) with scopes ${client.scopes.join(', ')}`);
        out('API key (shown once, store it now):');
        out(key);
        return 0;
      }
      case 'clients:list': {
        const rows = await clients.list();
        if (rows.length === 0) out('No API clients.');
        for (const c of rows) {
          out(
            [
              c.id,
              c.name.padEnd(24),
              `${c.keyPrefix}…`,
              c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : 'active',
              c.scopes.join(','),
            ].join('  '),
          );
        }
        return 0;
      }
      case 'clients:revoke': {
        const target = positionals[0] ?? values.id ?? values.name;
        if (!target) {
          io.err('clients:revoke needs a client id or name');
          return 2;
        }
        if (await clients.revoke(target)) {
          out(`Revoked ${target}`);
          return 0;
        }
        io.err(`No active client ${target}`);
        return 1;
      }
      default:
        io.err(`Unknown command ${command}\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await db.close();
  }
}
