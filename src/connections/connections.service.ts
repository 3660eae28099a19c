import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { ConnectionEntity } from '../database/entities/connection.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { knownProblem, ProblemException } from '../problem/problem';
import { definitionOf, type ProviderId } from '../providers/provider-ids';
import type { ConfigWithProviders } from '../providers/providers-config';
import { ConnectionRegistry, type LiveConnection } from './connection-registry';
import { connectionFields } from './connection-settings';
import { type ConnectionPatch, ConnectionStore, type NewConnectionInput } from './connection-store';

/** What the API answers for a connection: never a secret, only which secrets are set. */
export interface ConnectionView {
  name: string;
  provider: string;
  source: 'env' | 'stored';
  isDefault: boolean;
  enabled: boolean;
  version: number;
  /** `live`, `mock`, or `unavailable` while disabled or unusable. */
  mode: 'live' | 'mock' | 'unavailable';
  settings: Record<string, unknown>;
  secretFields: string[];
  /** Why it cannot be used (a key the ring lacks, a setting no longer valid), when it cannot. */
  error?: string;
  createdAt: string | null;
  updatedAt: string | null;
}

/**
 * Creates, changes, disables and tests connections (DESIGN section 11). Settings are checked by
 * the provider's own rules (connection-settings.ts); secrets are sealed by the key ring before
 * they reach the repository. Every change is live on this replica at once and on the others
 * within CONNECTIONS_REFRESH_MS.
 */
@Injectable()
export class ConnectionsService {
  readonly store: ConnectionStore;

  constructor(
    repo: ConnectionsRepository,
    private readonly registry: ConnectionRegistry,
    @Inject(APP_CONFIG) private readonly config: ConfigWithProviders,
  ) {
    this.store = new ConnectionStore(repo, registry.keyRing, {
      production: config.nodeEnv === 'production',
      mockAllowed: config.providers.mockAllowed,
    });
  }

  list(): ConnectionView[] {
    return this.registry.list().map((c) => this.view(c));
  }

  get(name: string): ConnectionView {
    return this.view(this.find(name));
  }

  async create(input: NewConnectionInput): Promise<ConnectionView> {
    await this.store.create(input);
    await this.registry.refresh(true);
    return this.get(input.name);
  }

  async update(name: string, patch: ConnectionPatch): Promise<ConnectionView> {
    this.find(name);
    await this.store.update(name, patch);
    await this.registry.refresh(true);
    return this.get(name);
  }

  /** Disables a connection (409 while its operations are queued or running). */
  async disable(name: string): Promise<ConnectionView> {
    this.find(name);
    await this.store.disable(name);
    await this.registry.refresh(true);
    return this.get(name);
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
  private view(c: LiveConnection): ConnectionView {
    const row: ConnectionEntity | undefined = c.row;
    return {
      name: c.name,
      provider: c.provider,
      source: c.source,
      isDefault: c.isDefault,
      enabled: c.enabled,
      version: c.version,
      mode: c.instance?.mode ?? 'unavailable',
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
