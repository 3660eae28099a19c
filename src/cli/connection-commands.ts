import { ConnectionStore } from '../connections/connection-store';
import { KeyRing } from '../connections/key-ring';
import type { ConnectionEntity } from '../database/entities/connection.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { ProblemException } from '../problem/problem';
import type { ConfigWithProviders } from '../providers/providers-config';
import type { Command, CommandContext } from './command';

/** The connections' CLI commands (DESIGN section 11): the API's, on the database directly. */

function storeOf({ db, config }: CommandContext): ConnectionStore {
  const providers = (config as Partial<ConfigWithProviders>).providers;
  return new ConnectionStore(
    ConnectionsRepository.on(db.dataSource),
    KeyRing.parse(config.connections.encryptionKeys),
    { production: config.nodeEnv === 'production', mockAllowed: providers?.mockAllowed ?? [] },
  );
}

/** A JSON object option (`--settings '{"baseUrl":"..."}'`). */
function jsonOption(ctx: CommandContext, name: string): Record<string, unknown> | undefined {
  const raw = ctx.values[name];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--${name} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

class UsageError extends Error {}

/** One line per connection: never a secret, only which are set. */
function describe(row: ConnectionEntity): string {
  return [
    row.name.padEnd(24),
    row.provider.padEnd(18),
    row.enabled ? 'enabled ' : 'disabled',
    row.isDefault ? 'default' : '       ',
    `v${row.version}`,
    `settings=${JSON.stringify(row.settings)}`,
    `secrets=${Object.keys(row.secrets).sort().join(',') || '-'}`,
  ].join('  ');
}

/** Runs `work`, printing a problem (its field errors included) as the error, exit code 1. */
async function guarded(ctx: CommandContext, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.io.err(error.message);
      return 2;
    }
    if (error instanceof ProblemException) {
      ctx.io.err(`${error.code}: ${error.message}`);
      for (const e of error.init.errors ?? []) ctx.io.err(`  ${e.path}: ${e.message}`);
      return 1;
    }
    if (error instanceof Error && error.name === 'KeyRingError') {
      ctx.io.err(error.message);
      return 1;
    }
    throw error;
  }
}

const NAMING = [
  "Settings and secrets use the provider's environment variables without the prefix, in",
  'camelCase: DMS_BASE_URL -> baseUrl, DMS_API_KEY -> apiKey (a secret). Secrets need',
  'CONNECTIONS_ENCRYPTION_KEYS; they are stored sealed and never printed.',
];

function connectionsList(): Command {
  return {
    name: 'connections:list',
    args: '',
    summary: 'list the stored connections (never a secret)',
    help: [
      'Lists the stored connections: name, provider, state, version, settings and which secrets',
      'are set. The environment connections (named after their provider) are not stored.',
    ],
    options: {},
    run: (ctx) =>
      guarded(ctx, async () => {
        const rows = await storeOf(ctx).repo.list();
        if (rows.length === 0) ctx.io.out('No stored connections.');
        for (const row of rows) ctx.io.out(describe(row));
        return 0;
      }),
  };
}

function connectionsCreate(): Command {
  return {
    name: 'connections:create',
    args: '--name <name> --provider <id> [--settings <json>] [--secrets <json>] [--default]',
    summary: 'add a connection',
    help: NAMING,
    options: {
      name: { type: 'string' },
      provider: { type: 'string' },
      settings: { type: 'string' },
      secrets: { type: 'string' },
      default: { type: 'boolean' },
    },
    run: (ctx) =>
      guarded(ctx, async () => {
        const { name, provider } = ctx.values;
        if (typeof name !== 'string' || typeof provider !== 'string') {
          throw new UsageError('connections:create needs --name and --provider');
        }
        if (!/^[a-z0-9-]{1,63}$/.test(name)) {
          throw new UsageError('--name must be 1-63 of a-z, 0-9 and -');
        }
        const row = await storeOf(ctx).create({
          name,
          provider,
          settings: jsonOption(ctx, 'settings'),
          secrets: jsonOption(ctx, 'secrets'),
          isDefault: ctx.values.default === true,
        });
        ctx.io.out(`Created ${describe(row)}`);
        return 0;
      }),
  };
}

function connectionsUpdate(): Command {
  return {
    name: 'connections:update',
    args: '<name> [--settings <json>] [--secrets <json>] [--enable|--disable] [--default]',
    summary: 'change settings, rotate secrets, enable or make default',
    help: [
      'Settings and secrets given are merged over the stored ones (null removes one). Running',
      'gateways pick the change up within CONNECTIONS_REFRESH_MS, without a restart.',
      ...NAMING,
    ],
    options: {
      settings: { type: 'string' },
      secrets: { type: 'string' },
      enable: { type: 'boolean' },
      disable: { type: 'boolean' },
      default: { type: 'boolean' },
    },
    run: (ctx) =>
      guarded(ctx, async () => {
        const name = ctx.positionals[0];
        if (!name) throw new UsageError('connections:update needs a connection name');
        const store = storeOf(ctx);
        const patch = {
          settings: jsonOption(ctx, 'settings'),
          secrets: jsonOption(ctx, 'secrets'),
          ...(ctx.values.enable === true ? { enabled: true } : {}),
          ...(ctx.values.default === true ? { isDefault: true } : {}),
        };
        const row =
          ctx.values.disable === true
            ? (await store.update(name, patch), await store.disable(name))
            : await store.update(name, patch);
        ctx.io.out(`Updated ${describe(row)}`);
        return 0;
      }),
  };
}

function connectionsDisable(): Command {
  return {
    name: 'connections:disable',
    args: '<name>',
    summary: 'disable a connection (refused while its operations are queued or running)',
    help: ['The connection stays stored; connections:update <name> --enable enables it again.'],
    options: {},
    run: (ctx) =>
      guarded(ctx, async () => {
        const name = ctx.positionals[0];
        if (!name) throw new UsageError('connections:disable needs a connection name');
        ctx.io.out(`Disabled ${describe(await storeOf(ctx).disable(name))}`);
        return 0;
      }),
  };
}

function connectionsTest(): Command {
  return {
    name: 'connections:test',
    args: '<name>',
    summary: 'not in the CLI: use POST /v1/connections/{name}/test',
    help: [
      'The test builds the provider and calls the upstream, which only a running gateway does:',
      'curl -X POST -H "Authorization: Bearer $KEY" http://localhost:3000/v1/connections/<name>/test',
    ],
    options: {},
    run: (ctx) => {
      ctx.io.err(
        'connections:test is not built in the CLI: call POST /v1/connections/<name>/test on a running gateway',
      );
      return Promise.resolve(2);
    },
  };
}

function connectionsReencrypt(): Command {
  return {
    name: 'connections:reencrypt',
    args: '',
    summary: 'move every stored secret to the first key of CONNECTIONS_ENCRYPTION_KEYS',
    help: [
      'Key rotation: put the new key first in CONNECTIONS_ENCRYPTION_KEYS (keep the old one after',
      'it), restart or roll the gateways, run this, then remove the old key. Nothing is written',
      'when a secret does not open with the ring (the error names the connection and key id).',
    ],
    options: {},
    run: (ctx) =>
      guarded(ctx, async () => {
        const done = await storeOf(ctx).reencrypt();
        ctx.io.out(
          `Re-encrypted ${done.resealed.length} connection(s)${done.resealed.length ? `: ${done.resealed.join(', ')}` : ''}; ${done.current.length} already on the first key`,
        );
        if (done.skipped.length > 0) {
          ctx.io.err(`Changed meanwhile, run again: ${done.skipped.join(', ')}`);
          return 1;
        }
        return 0;
      }),
  };
}

function connectionsKeygen(): Command {
  return {
    name: 'connections:keygen',
    args: '<kid>',
    summary: 'print a fresh CONNECTIONS_ENCRYPTION_KEYS entry (kid:<base64 of 32 bytes>)',
    help: [
      'Prints one new key entry; put it first in CONNECTIONS_ENCRYPTION_KEYS to seal with it.',
    ],
    options: {},
    run: (ctx) =>
      guarded(ctx, () => {
        const kid = ctx.positionals[0];
        if (!kid) throw new UsageError('connections:keygen needs a key id');
        ctx.io.out(KeyRing.generateEntry(kid));
        return Promise.resolve(0);
      }),
  };
}

export const CONNECTION_COMMANDS: readonly Command[] = [
  connectionsList(),
  connectionsCreate(),
  connectionsUpdate(),
  connectionsDisable(),
  connectionsTest(),
  connectionsReencrypt(),
  connectionsKeygen(),
];
