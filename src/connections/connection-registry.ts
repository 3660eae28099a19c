import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { registerSecrets } from '@lib/redaction';
import type { RunningSimulator } from '@lib/simulators';
import { APP_CONFIG } from '../config/config.module';
import { ProblemException } from '../problem/problem';
import type { ConnectionEntity } from '../database/entities/connection.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { Liveness } from '../database/liveness';
import { connectionDeps, type Endpoint, type ProviderDeps } from '../providers/provider-definition';
import type { Capability } from '../providers/provider.contract';
import {
  definitionOf,
  isProviderId,
  type ProviderId,
  type RegisteredProvider,
} from '../providers/provider-ids';
import {
  PROVIDER_REGISTRY,
  type ProviderLookup,
  ProviderRegistry,
} from '../providers/provider-registry';
import { PROVIDER_DEPS } from '../providers/providers.module';
import type { ConfigWithProviders } from '../providers/providers-config';
import { checkConnection, connectionFields } from './connection-settings';
import { openSecrets } from './connection-store';
import { KeyRing } from './key-ring';
import { MetricsService } from '../metrics/metrics.service';

/** One connection as the registry holds it. */
export interface LiveConnection {
  name: string;
  provider: ProviderId;
  source: 'env' | 'stored';
  isDefault: boolean;
  enabled: boolean;
  version: number;
  /** The built provider instance (absent while disabled, or when it could not be built). */
  instance?: RegisteredProvider;
  /** Why it could not be built (a key the ring does not hold, a setting no longer valid). */
  error?: string;
  row?: ConnectionEntity;
  simulator?: RunningSimulator;
}

/** The channel ConnectionsRepository notifies on every change. */
const CHANGED_CHANNEL = 'connections_changed';

/** How long a replaced instance stays open for the calls still running on it. */
const RETIRE_AFTER_MS = 120_000;

/**
 * Every connection, keyed by name (DESIGN section 11): the environment's (named after their
 * provider, source `env`) and the stored ones, each with its own provider instance (so its own
 * token cache and circuit breaker). A change is announced with NOTIFY and heard on this
 * process's liveness session (LISTEN); stored rows are also polled every CONNECTIONS_REFRESH_MS (a
 * cheap fingerprint query) for a notification missed; a change made on this replica refreshes at once: a changed connection
 * gets a new instance, new calls use it, calls in flight finish on the old one, which is closed
 * (its cached tokens dropped) a while later.
 */
@Injectable()
export class ConnectionRegistry
  implements ProviderLookup, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Connections');
  private stored = new Map<string, LiveConnection>();
  private fingerprint: string | undefined;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private readonly retiring = new Set<NodeJS.Timeout>();
  readonly keyRing: KeyRing;

  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly env: ProviderRegistry,
    private readonly repo: ConnectionsRepository,
    @Inject(PROVIDER_DEPS) private readonly deps: ProviderDeps,
    @Inject(APP_CONFIG) private readonly config: ConfigWithProviders,
    private readonly liveness: Liveness,
    private readonly metrics: MetricsService,
  ) {
    this.keyRing = KeyRing.parse(config.connections.encryptionKeys);
  }

  async onApplicationBootstrap(): Promise<void> {
    // the circuit gauge per connection; set at bootstrap, after ProviderHealth's per-provider one
    this.metrics.setCircuitSource(() =>
      this.list().flatMap((c) =>
        c.instance
          ? [{ provider: c.provider, connection: c.name, state: c.instance.circuitState() }]
          : [],
      ),
    );
    await this.refresh();
    const broken = [...this.stored.values()].filter((c) => c.enabled && c.error);
    if (broken.length > 0 && this.config.nodeEnv === 'production') {
      throw new Error(
        `stored connections cannot be used: ${broken.map((c) => `${c.name}: ${c.error}`).join('; ')}`,
      );
    }
    for (const c of broken) this.logger.error(`connection ${c.name} cannot be used: ${c.error}`);
    // another replica's change arrives as a NOTIFY at once; the poll below is the bound when a
    // notification is missed (the listening session was being re-taken)
    await this.liveness.listen(CHANGED_CHANNEL, () => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'connections refresh failed'),
      );
    });
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'connections refresh failed'),
      );
    }, this.config.connections.refreshMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const t of this.retiring) clearTimeout(t);
    await this.refreshing?.catch(() => undefined);
    for (const c of this.stored.values()) await this.close(c);
    this.stored.clear();
  }

  /** Reloads the stored connections when the table changed (`force`: without comparing). */
  refresh(force = false): Promise<void> {
    const run = (this.refreshing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.reload(force));
    this.refreshing = run;
    return run;
  }

  private async reload(force: boolean): Promise<void> {
    const fingerprint = await this.repo.fingerprint();
    if (!force && fingerprint === this.fingerprint) return;
    const rows = await this.repo.list();
    const next = new Map<string, LiveConnection>();
    for (const row of rows) {
      const current = this.stored.get(row.name);
      if (current && current.version === row.version && current.enabled === row.enabled) {
        next.set(row.name, { ...current, isDefault: row.isDefault, row });
        continue;
      }
      next.set(row.name, await this.build(row));
    }
    const previous = this.stored;
    this.stored = next;
    this.fingerprint = fingerprint;
    for (const [name, old] of previous) {
      if (next.get(name)?.instance !== old.instance || next.get(name)?.simulator !== old.simulator)
        this.retire(old);
    }
  }

  private async build(row: ConnectionEntity): Promise<LiveConnection> {
    const base: LiveConnection = {
      name: row.name,
      provider: row.provider as ProviderId,
      source: 'stored',
      isDefault: row.isDefault,
      enabled: row.enabled,
      version: row.version,
      row,
    };
    if (!row.enabled) return base;
    if (!isProviderId(row.provider)) {
      return { ...base, error: `provider ${row.provider} is not in this gateway's list` };
    }
    try {
      const secrets = this.openSecrets(row);
      const definition = definitionOf(row.provider);
      const checked = checkConnection(definition, row.settings, secrets);
      if (checked.errors.length > 0) {
        return { ...base, error: checked.errors.map((e) => e.message).join('; ') };
      }
      let endpoint: Endpoint;
      let simulator: RunningSimulator | undefined;
      if (checked.mock) {
        const mock = definition.mock(checked.settings, () => {
          const value = randomBytes(18).toString('base64url');
          registerSecrets(value);
          return value;
        });
        simulator = await mock.simulator.start(0, '127.0.0.1');
        endpoint = {
          mode: 'mock',
          settings: mock.settingsFor(simulator.url),
          http: checked.settings.http,
        };
      } else {
        endpoint = {
          mode: 'live',
          settings: checked.settings as typeof checked.settings & { baseUrl: string },
          http: checked.settings.http,
        };
      }
      const instance = definition.build(
        endpoint,
        connectionDeps(this.deps, row.name),
      ) as RegisteredProvider;
      return { ...base, instance, simulator };
    } catch (error) {
      const message = error instanceof Error ? error.message : 'could not be built';
      return { ...base, error: message };
    }
  }

  /** The connection's secrets in plain text (registered as secrets: never logged). */
  openSecrets(row: Pick<ConnectionEntity, 'name' | 'secrets'>): Record<string, string> {
    const opened = openSecrets(this.keyRing, row);
    registerSecrets(...Object.values(opened));
    return opened;
  }

  /** Closes a replaced instance after the calls still running on it have had time to end. */
  private retire(old: LiveConnection): void {
    if (!old.instance && !old.simulator) return;
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      void this.close(old);
    }, RETIRE_AFTER_MS);
    timer.unref();
    this.retiring.add(timer);
  }

  private async close(c: LiveConnection): Promise<void> {
    c.instance?.close?.();
    await c.simulator?.stop().catch(() => undefined);
  }

  // ---- lookups -------------------------------------------------------------------------------

  supporting(capability: Capability): ProviderId[] {
    return this.env.supporting(capability);
  }

  /** Every connection: the environment's first (provider order), then the stored ones by name. */
  list(): LiveConnection[] {
    const env = this.env.all().map(
      (p): LiveConnection => ({
        name: p.id,
        provider: p.id,
        source: 'env',
        isDefault: this.storedDefault(p.id) === undefined,
        enabled: true,
        version: 0,
        instance: p,
      }),
    );
    return [...env, ...this.stored.values()];
  }

  find(name: string): LiveConnection | undefined {
    return this.list().find((c) => c.name === name);
  }

  private storedDefault(id: ProviderId): LiveConnection | undefined {
    for (const c of this.stored.values()) {
      if (c.provider === id && c.isDefault && c.enabled) return c;
    }
    return undefined;
  }

  defaultConnection(id: ProviderId): string {
    return this.storedDefault(id)?.name ?? id;
  }

  providerOf(connection: string): ProviderId | undefined {
    const envOwner = this.env.providerOf(connection);
    if (envOwner) return envOwner;
    const c = this.stored.get(connection);
    return c?.enabled ? c.provider : undefined;
  }

  get(id: ProviderId, connection?: string): RegisteredProvider | undefined {
    const name = connection ?? this.defaultConnection(id);
    if (name === id) return this.env.get(id);
    const c = this.stored.get(name);
    if (!c || !c.enabled || c.provider !== id) return undefined;
    if (!c.instance) throw new ConnectionUnusable(c.name, c.error);
    return c.instance;
  }

  /** Field names of a provider's secrets, and of its settings (the naming rule). */
  fields(id: ProviderId): { settings: string[]; secrets: string[] } {
    const f = connectionFields(definitionOf(id));
    return { settings: [...f.settings.keys(), 'mock'], secrets: [...f.secrets.keys()] };
  }
}

/** A stored connection that could not be built: its calls fail with this until it is fixed. */
export class ConnectionUnusable extends ProblemException {
  constructor(connection: string, reason: string | undefined) {
    super('upstream_unavailable', {
      detail: `connection ${connection} cannot be used: ${reason ?? 'unknown reason'}`,
    });
  }
}
