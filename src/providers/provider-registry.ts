import type { Capability, FinanceProvider } from './provider.contract';
import {
  isProviderId,
  PROVIDER_IDS,
  type ProviderId,
  type RegisteredProvider,
} from './provider-ids';

/** Injection token of the one registry of all providers. */
export const PROVIDER_REGISTRY = Symbol('PROVIDER_REGISTRY');

/**
 * What the engine looks providers up in: the providers able to do a capability, and the
 * provider instance of a connection (its provider's default connection when none is named).
 * ProviderRegistry serves the environment's connections only (each named after its provider);
 * the connections registry (src/connections) adds the stored ones.
 */
export interface ProviderLookup {
  supporting(capability: Capability): ProviderId[];
  get(id: ProviderId, connection?: string): RegisteredProvider | undefined;
  /** The provider a usable connection belongs to; undefined for an unknown or disabled one. */
  providerOf(connection: string): ProviderId | undefined;
  /** The connection a call without `connection` uses. */
  defaultConnection(id: ProviderId): string;
}

/** Every provider, keyed by id, built once from the provider modules. */
export class ProviderRegistry implements ProviderLookup {
  private readonly byId: ReadonlyMap<ProviderId, RegisteredProvider>;

  constructor(providers: readonly FinanceProvider[]) {
    const map = new Map<ProviderId, RegisteredProvider>();
    for (const provider of providers) {
      if (!isListed(provider)) throw new Error(`provider ${provider.id} is not in the list`);
      if (map.has(provider.id)) throw new Error(`provider ${provider.id} is registered twice`);
      map.set(provider.id, provider);
    }
    this.byId = map;
  }

  /** The provider of `id`; its connection (when named) is the one named after it. */
  get(id: ProviderId, connection?: string): RegisteredProvider | undefined {
    return connection === undefined || connection === id ? this.byId.get(id) : undefined;
  }

  providerOf(connection: string): ProviderId | undefined {
    return isProviderId(connection) && this.byId.has(connection) ? connection : undefined;
  }

  defaultConnection(id: ProviderId): string {
    return id;
  }

  /** All providers in the canonical order. */
  all(): RegisteredProvider[] {
    return PROVIDER_IDS.map((id) => this.byId.get(id)).filter(
      (p): p is RegisteredProvider => p !== undefined,
    );
  }

  /** Ids of the providers that can do `capability`. */
  supporting(capability: Capability): ProviderId[] {
    return this.all()
      .filter((p) => p.capabilities.has(capability))
      .map((p) => p.id);
  }
}

function isListed(provider: FinanceProvider): provider is RegisteredProvider {
  return isProviderId(provider.id);
}
