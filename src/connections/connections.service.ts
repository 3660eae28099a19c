import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { ConnectionEntity, SealedSecret } from '../database/entities/connection.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { knownProblem, ProblemException, validationProblem } from '../problem/problem';
import { definitionOf, isProviderId, type ProviderId } from '../providers/provider-ids';
import type { ConfigWithProviders } from '../providers/providers-config';
import { ConnectionRegistry, type LiveConnection } from './connection-registry';
import { checkConnection, connectionFields } from './connection-settings';
import type { KeyRing } from './key-ring';

/** What the API answers for a connection: never a secret, only which secrets are set. */
export interface ConnectionView {
  name: string;
  provider: string;
  source: 'env' | 'stored';
  isDefault: boolean;
  enabled: boolean;
  version: number;
  /** `live`, `mock`, or null while disabled or unusable. */
  mode: 'live' | 'mock' | null;
  settings: Record<string, unknown>;
  secretFields: string[];
  /** Why it cannot be used (a key the ring lacks, a setting no longer valid), when it cannot. */
  error?: string;
  createdAt: string | null;
  updatedAt: string | null;
}

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
 * Creates, changes, disables and tests connections (DESIGN section 11). Settings are checked by
 * the provider's own rules (connection-settings.ts); secrets are sealed by the key ring before
 * they reach the repository. Every change is live on this replica at once and on the others
 * within CONNECTIONS_REFRESH_MS.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    private readonly repo: ConnectionsRepository,
    private readonly registry: ConnectionRegistry,
    @Inject(APP_CONFIG) private readonly config: ConfigWithProviders,
  ) {}

  private get keyRing(): KeyRing {
    return this.registry.keyRing;
  }

  list(): ConnectionView[] {
    return this.registry.list().map((c) => this.view(c));
  }

  get(name: string): ConnectionView {
    return this.view(this.find(name));
  }

  async create(input: NewConnectionInput): Promise<ConnectionView> {
    if (!isProviderId(input.provider)) {
      throw validationProblem([
        { path: 'provider', code: 'isIn', message: `provider ${input.provider} is not known` },
      ]);
    }
    if (this.registry.find(input.name) || (await this.repo.findByName(input.name))) {
      throw this.taken(input.name);
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
    if (!row) throw this.taken(input.name);
    await this.registry.refresh(true);
    return this.get(input.name);
  }

  async update(name: string, patch: ConnectionPatch): Promise<ConnectionView> {
    this.refuseEnv(name);
    const row = await this.repo.update(name, (current) => {
      if (patch.settings === undefined && patch.secrets === undefined) {
        return { enabled: patch.enabled, isDefault: patch.isDefault };
      }
      const settings = merged(current.settings, patch.settings);
      const opened = merged(this.registry.openSecrets(current), patch.secrets);
      this.check(current.provider as ProviderId, settings, opened);
      return {
        settings,
        secrets: this.seal(name, opened),
        enabled: patch.enabled,
        isDefault: patch.isDefault,
      };
    });
    if (!row) throw new ProblemException('not_found', { detail: `No connection ${name}` });
    await this.registry.refresh(true);
    return this.get(name);
  }

  /** Disables a connection (409 while its operations are queued or running). */
  async disable(name: string): Promise<ConnectionView> {
    this.refuseEnv(name);
    const active = await this.repo.activeOperations(name);
    if (active > 0) {
      throw new ProblemException('conflict', {
        detail: `connection ${name} has ${active} operation(s) queued or running: disable it once they end`,
      });
    }
    return this.update(name, { enabled: false });
  }

  /** The cheapest authenticated call on the connection: ok and its latency, or the upstream problem. */
  async test(name: string): Promise<{ ok: true; latencyMs: number }> {
    const c = this.find(name);
    if (!c.enabled) {
      throw new ProblemException('conflict', { detail: `connection ${name} is disabled` });
    }
    const instance = this.registry.get(c.provider, c.name);
    if (!instance?.verify) {
      throw new ProblemException('unsupported_operation', {
        detail: `${c.provider} has no credentials check`,
      });
    }
    const started = performance.now();
    try {
      await instance.verify();
    } catch (error) {
      throw knownProblem(error) ?? error;
    }
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  }

  private find(name: string): LiveConnection {
    const c = this.registry.find(name);
    if (!c) throw new ProblemException('not_found', { detail: `No connection ${name}` });
    return c;
  }

  private refuseEnv(name: string): void {
    const c = this.find(name);
    if (c.source === 'env') {
      throw new ProblemException('conflict', {
        detail: `connection ${name} comes from the environment (${definitionOf(c.provider).envPrefix}_* variables) and is read-only`,
      });
    }
  }

  private taken(name: string): ProblemException {
    return new ProblemException('conflict', {
      detail: `a connection named ${name} exists`,
      errors: [{ path: 'name', code: 'conflict', message: `${name} is taken` }],
    });
  }

  /** The provider's own rules: a 400 naming every bad field. */
  private check(
    provider: ProviderId,
    settings: Record<string, unknown>,
    secrets: Record<string, unknown>,
  ): void {
    const checked = checkConnection(definitionOf(provider), settings, secrets);
    if (checked.errors.length > 0) throw validationProblem(checked.errors);
    if (
      checked.mock &&
      this.config.nodeEnv === 'production' &&
      !this.config.providers.mockAllowed.includes(provider)
    ) {
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

  private view(c: LiveConnection): ConnectionView {
    const row: ConnectionEntity | undefined = c.row;
    return {
      name: c.name,
      provider: c.provider,
      source: c.source,
      isDefault: c.isDefault,
      enabled: c.enabled,
      version: c.version,
      mode: c.instance?.mode ?? null,
      settings: row ? { ...row.settings } : this.envSettings(c.provider),
      secretFields: row ? Object.keys(row.secrets).sort() : this.envSecretFields(c.provider),
      ...(c.error ? { error: c.error } : {}),
      createdAt: row ? row.createdAt.toISOString() : null,
      updatedAt: row ? row.updatedAt.toISOString() : null,
    };
  }

  /** The env connection's settings under the naming rule (secrets left out). */
  private envSettings(id: ProviderId): Record<string, unknown> {
    const configured = this.config.providers[id] as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of connectionFields(definitionOf(id)).settings.keys()) {
      const value = configured[field];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        out[field] = value;
    }
    if (!configured.baseUrl) out.mock = true;
    return out;
  }

  private envSecretFields(id: ProviderId): string[] {
    const configured = this.config.providers[id] as unknown as Record<string, unknown>;
    return [...connectionFields(definitionOf(id)).secrets.keys()]
      .filter((field) => typeof configured[field] === 'string' && configured[field] !== '')
      .sort();
  }
}
