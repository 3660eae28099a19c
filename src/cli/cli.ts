import { parseArgs } from 'node:util';
import { loadConfig, type GatewayConfig } from '../load-config';
import { Database, runningEmbeddedUrl } from '../database/database';
import { ApiClientsRepository } from '../database/repositories/api-clients.repository';
import { ApiClientsService } from '../gateway/auth/api-clients.service';
import { SCOPES } from '../common/http/scopes';
import { auditHead, auditVerify } from './audit-commands';
import { CONNECTION_COMMANDS } from './connection-commands';
import type { CliIo, Command, CommandContext } from './command';

export type { CliIo, Command, CommandContext } from './command';

function clientsCreate(): Command {
  return {
    name: 'clients:create',
    args: '--name <name> --scopes <scope,scope> [--connections <a,b>]',
    summary: 'create an API client; prints its key once',
    help: [
      'Creates a named API client with the given scopes and prints its key once: store it',
      'now, only its SHA-256 is kept. The last line of the output is the key alone.',
      `Scopes: ${SCOPES.join(', ')}`,
      '--connections a,b limits it to those connections (403 forbidden on another); without it,',
      'it may use every connection.',
    ],
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      connections: { type: 'string' },
    },
    async run({ io, values, db, config }) {
      const name = values.name;
      const scopes = values.scopes;
      if (typeof name !== 'string' || typeof scopes !== 'string' || !name || !scopes) {
        io.err('clients:create needs --name and --scopes (see clients:create --help)');
        return 2;
      }
      const { client, key } = await new ApiClientsService(
        ApiClientsRepository.on(db.dataSource),
        config,
      ).create(
        name,
        scopes.split(',').map((s) => s.trim()),
        typeof values.connections === 'string'
          ? values.connections
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean)
          : undefined,
      );
      io.out(
        `Created client ${client.name} (${client.id}) with scopes ${client.scopes.join(', ')}${
          client.connections ? `, limited to connections ${client.connections.join(', ')}` : ''
        }`,
      );
      io.out('API key (shown once, store it now):');
      io.out(key);
      return 0;
    },
  };
}

function clientsList(): Command {
  return {
    name: 'clients:list',
    args: '',
    summary: 'list API clients (never their keys)',
    help: [
      'Lists every API client: id, name, key prefix, state (active or revoked at) and scopes.',
      'Keys are never shown: only their SHA-256 is stored.',
    ],
    options: {},
    async run({ io, db, config }) {
      const rows = await new ApiClientsService(
        ApiClientsRepository.on(db.dataSource),
        config,
      ).list();
      if (rows.length === 0) io.out('No API clients.');
      for (const c of rows) {
        io.out(
          [
            c.id,
            c.name.padEnd(24),
            `${c.keyPrefix}…`,
            c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : 'active',
            c.scopes.join(','),
            ...(c.connections ? [`connections:${c.connections.join(',')}`] : []),
          ].join('  '),
        );
      }
      return 0;
    },
  };
}

function clientsRevoke(): Command {
  return {
    name: 'clients:revoke',
    args: '<id|name>',
    summary: "revoke a client's key",
    help: [
      'Revokes the active client with this id or name: its key is refused (401) from now on.',
      'Exit code 1 when there is no such active client.',
    ],
    options: { id: { type: 'string' }, name: { type: 'string' } },
    async run({ io, values, positionals, db, config }) {
      const target = positionals[0] ?? values.id ?? values.name;
      if (typeof target !== 'string' || !target) {
        io.err('clients:revoke needs a client id or name (see clients:revoke --help)');
        return 2;
      }
      if (
        await new ApiClientsService(ApiClientsRepository.on(db.dataSource), config).revoke(target)
      ) {
        io.out(`Revoked ${target}`);
        return 0;
      }
      io.err(`No active client ${target}`);
      return 1;
    },
  };
}

export const COMMANDS: readonly Command[] = [
  clientsCreate(),
  clientsList(),
  clientsRevoke(),
  auditVerify(),
  auditHead(),
  ...CONNECTION_COMMANDS,
];

const DATABASE_NOTE =
  "Database: DATABASE_URL, else the embedded database under DATA_DIR (the running gateway's, if any).\n" +
  'Every command prints the database it used on stderr. Without a rebuild: node dist/src/cli.js <command>.';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return [
    'Usage: npm run cli -- <command> [options]     (or: node dist/src/cli.js <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}   ${c.summary}`),
    '',
    '<command> --help shows the help of one command.',
    DATABASE_NOTE,
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `Usage: npm run cli -- ${command.name}${command.args ? ` ${command.args}` : ''}`,
    '',
    `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
    ...command.help,
    '',
    DATABASE_NOTE,
  ].join('\n');
}

/** Where the database is, for the line every command prints: never a password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `PostgreSQL ${user}${parsed.host}${parsed.pathname} (DATABASE_URL)`;
  } catch {
    return 'PostgreSQL from DATABASE_URL (not a URL: its text is not shown)';
  }
}

async function openDatabase(config: GatewayConfig): Promise<{ db: Database; description: string }> {
  const { database } = config;
  if (database.url) {
    return {
      db: await Database.open({ ...database, poolSize: 1 }),
      description: describeDatabaseUrl(database.url),
    };
  }
  // a running gateway owns the embedded server of this DATA_DIR: connect to it
  const running = database.inMemory ? undefined : await runningEmbeddedUrl(database.dataDir);
  if (running !== undefined) {
    return {
      db: await Database.open({ ...database, url: running, poolSize: 2 }),
      description: `embedded PostgreSQL of the running gateway at ${new URL(running).host}, data in ${database.dataDir}`,
    };
  }
  const db = await Database.open({ ...database, poolSize: 2 });
  return {
    db,
    description: `embedded PostgreSQL started for this command${
      db.embeddedPort !== undefined ? ` at 127.0.0.1:${db.embeddedPort}` : ''
    }, data in ${database.inMemory ? 'a temporary folder' : database.dataDir}`,
  };
}

const HELP_FLAGS = new Set(['--help', '-h']);

/** Runs one CLI command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || HELP_FLAGS.has(name)) {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? commandHelp(topic) : usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command ${name}\n\n${usage()}`);
    return 2;
  }
  if (rest.some((arg) => HELP_FLAGS.has(arg))) {
    io.out(commandHelp(command));
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${commandHelp(command)}`);
    return 2;
  }
  const config = loadConfig(io.env);
  const { db, description } = await openDatabase(config);
  io.err(`Database: ${description}`);
  try {
    return await command.run({
      io,
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      db,
      config,
    });
  } finally {
    await db.close();
  }
}
