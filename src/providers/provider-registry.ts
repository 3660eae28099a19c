import type { Capability, FinanceProvider, ProviderId } from './provider.contract';
import { PROVIDER_IDS } from './provider-list';

/** Injection token of the one registry of all providers. */
export const PROVIDER_REGISTRY = Symbol('PROVIDER_REGISTRY');

/** Every provider, keyed by id, built once from the provider modules. */
export class ProviderRegistry {
  private readonly byId: ReadonlyMap<ProviderId, FinanceProvider>;

  constructor(providers: readonly FinanceProvider[]) {
    const map = new Map<ProviderId, FinanceProvider>();
    for (const provider of providers) {
      if (map.has(provider.id)) throw new Error(`provider ${provider.id} is registered twice`);
      map.set(provider.id, provider);
    }
    this.byId = map;
  }

  get(id: ProviderId): FinanceProvider | undefined {
    return this.byId.get(id);
  }

  /** All providers in the canonical order. */
  all(): FinanceProvider[] {
    return PROVIDER_IDS.map((id) => this.byId.get(id)).filter(
      (p): p is FinanceProvider => p !== undefined,
    );
  }

  /** Ids of the providers that can do `capability`. */
  supporting(capability: Capability): ProviderId[] {
    return this.all()
      .filter((p) => p.capabilities.has(capability))
      .map((p) => p.id);
  }
}
