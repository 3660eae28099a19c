import type { ConnectionEntity, SealedSecret } from '../database/entities/connection.entity';
import type { ConnectionsRepository } from '../database/repositories/connections.repository';
import { ProblemException, validationProblem } from '../problem/problem';
import { definitionOf, isProviderId, type ProviderId } from '../providers/provider-ids';
import { checkConnection } from './connection-settings';
import { type KeyRing, KeyRingError } from './key-ring';

export interface NewConnectionInput {
  name: string;
  provider: string;
  settings?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  isDefault?: boolean;
}

export interface ConnectionPatch {
  settings?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  enabled?: boolean;
  isDefault?: boolean;
}

export interface StoreOptions {
  production: boolean;
  /** MOCK_PROVIDERS: providers allowed to run mocked in production. */
  mockAllowed: readonly string[];
}

/** Stored values are plain JSON: null removes a field in a patch. */
function merged(
  current: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/**
 * The stored connections' rules, shared by the API and the CLI: settings checked by the
 * provider's own rules (one error per bad field), secrets sealed by the key ring before they
 * reach the repository (bound to the connection's name), names unique (the environment's
 * connections, named after their provider, included).
 */
export class ConnectionStore {
  constructor(
    readonly repo: ConnectionsRepository,
    readonly keyRing: KeyRing,
    private readonly options: StoreOptions,
  ) {}

  async create(input: NewConnectionInput): Promise<ConnectionEntity> {
    if (!isProviderId(input.provider)) {
      throw validationProblem([
        { path: 'provider', code: 'isIn', message: `provider ${input.provider} is not known` },
      ]);
    }
    if (isProviderId(input.name) || (await this.repo.findByName(input.name))) {
      throw taken(input.name);
    }
    const settings = input.settings ?? {};
    const secrets = input.secrets ?? {};
    this.check(input.provider, settings, secrets);
    const row = await this.repo.create({
      name: input.name,
      provider: input.provider,
      settings,
      secrets: this.seal(input.name, secrets),
      isDefault: input.isDefault ?? false,
    });
    if (!row) throw taken(input.name);
    return row;
  }

  async update(name: string, patch: ConnectionPatch): Promise<ConnectionEntity> {
    refuseEnv(name);
    const row = await this.repo.update(name, (current) => {
      if (patch.settings === undefined && patch.secrets === undefined) {
        return { enabled: patch.enabled, isDefault: patch.isDefault };
      }
      const settings = merged(current.settings, patch.settings);
      const opened = merged(this.open(current), patch.secrets);
      this.check(current.provider as ProviderId, settings, opened);
      return {
        settings,
        secrets: this.seal(name, opened),
        enabled: patch.enabled,
        isDefault: patch.isDefault,
      };
    });
    if (!row) throw new ProblemException('not_found', { detail: `No connection ${name}` });
    return row;
  }

  /** Disables a connection (409 while its operations are queued or running). */
  async disable(name: string): Promise<ConnectionEntity> {
    refuseEnv(name);
    const active = await this.repo.activeOperations(name);
    if (active > 0) {
      throw new ProblemException('conflict', {
        detail: `connection ${name} has ${active} operation(s) queued or running: disable it once they end`,
      });
    }
    return this.update(name, { enabled: false });
  }

  /** The connection's secrets in plain text (see openSecrets). */
  open(row: Pick<ConnectionEntity, 'name' | 'secrets'>): Record<string, string> {
    return openSecrets(this.keyRing, row);
  }

  /**
   * `connections:reencrypt`: every secret sealed with another key than the ring's first moves to
   * it. Rows changed meanwhile are skipped (run it again). Throws before writing anything when a
   * secret does not open with the ring.
   */
  async reencrypt(): Promise<{ resealed: string[]; current: string[]; skipped: string[] }> {
    const primary = this.keyRing.primaryKid;
    if (primary === undefined) {
      throw new KeyRingError('CONNECTIONS_ENCRYPTION_KEYS is empty: nothing to re-encrypt with');
    }
    const rows = await this.repo.list();
    const stale = rows.filter((row) =>
      Object.values(row.secrets).some((sealed) => this.keyRing.isStale(sealed)),
    );
    const opened = stale.map((row) => ({ row, plain: this.open(row) }));
    const result = {
      resealed: [] as string[],
      current: rows.filter((r) => !stale.includes(r)).map((r) => r.name),
      skipped: [] as string[],
    };
    for (const { row, plain } of opened) {
      const ok = await this.repo.reseal(row.name, row.version, this.seal(row.name, plain));
      (ok ? result.resealed : result.skipped).push(row.name);
    }
    return result;
  }

  /** The provider's own rules: a 400 naming every bad field. */
  check(provider: ProviderId, settings: Record<string, unknown>, secrets: Record<string, unknown>) {
    const checked = checkConnection(definitionOf(provider), settings, secrets);
    if (checked.errors.length > 0) throw validationProblem(checked.errors);
    if (checked.mock && this.options.production && !this.options.mockAllowed.includes(provider)) {
      throw validationProblem([
        {
          path: 'settings.mock',
          code: 'mock_not_allowed',
          message: `mock connections of ${provider} need ${provider} in MOCK_PROVIDERS in production`,
        },
      ]);
    }
  }

  private seal(name: string, secrets: Record<string, unknown>): Record<string, SealedSecret> {
    const entries = Object.entries(secrets).filter(([, v]) => v !== null && v !== undefined);
    if (entries.length > 0 && this.keyRing.primaryKid === undefined) {
      throw new ProblemException('business_rule_violated', {
        detail:
          'no encryption key is configured: set CONNECTIONS_ENCRYPTION_KEYS to store connection secrets',
        errors: [
          {
            path: 'secrets',
            code: 'no_encryption_key',
            message: 'secrets cannot be stored without CONNECTIONS_ENCRYPTION_KEYS',
          },
        ],
      });
    }
    return Object.fromEntries(
      entries.map(([field, value]) => [field, this.keyRing.seal(String(value), name)]),
    );
  }
}

/** A connection's secrets in plain text; a key the ring lacks names the connection and key id. */
export function openSecrets(
  keyRing: KeyRing,
  row: Pick<ConnectionEntity, 'name' | 'secrets'>,
): Record<string, string> {
  const opened: Record<string, string> = {};
  for (const [field, sealed] of Object.entries(row.secrets ?? {})) {
    try {
      opened[field] = keyRing.open(sealed, row.name);
    } catch (error) {
      if (!(error instanceof KeyRingError)) throw error;
      throw new KeyRingError(
        `connection ${row.name}, secret ${field}: ${error.message}`,
        error.kid,
      );
    }
  }
  return opened;
}

function taken(name: string): ProblemException {
  return new ProblemException('conflict', {
    detail: `a connection named ${name} exists`,
    errors: [{ path: 'name', code: 'conflict', message: `${name} is taken` }],
  });
}

/** The environment's connections (named after their provider) are read-only. */
function refuseEnv(name: string): void {
  if (isProviderId(name)) {
    throw new ProblemException('conflict', {
      detail: `connection ${name} comes from the environment (${definitionOf(name).envPrefix}_* variables) and is read-only`,
    });
  }
}
