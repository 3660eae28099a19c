import type { Capability, FinanceProvider } from './provider.contract';
import {
  isProviderId,
  PROVIDER_IDS,
  type ProviderId,
  type RegisteredProvider,
} from './provider-ids';

/** Injection token of the one registry of all providers. */
export const PROVIDER_REGISTRY = Symbol('PROVIDER_REGISTRY');

/** Every provider, keyed by id, built once from the provider modules. */
export class ProviderRegistry {
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

  get(id: ProviderId): RegisteredProvider | undefined {
    return this.byId.get(id);
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
