import { type Endpoint, type ProviderDeps, UpstreamProvider } from '../provider-definition';
import type {
  BatchResult,
  CallContext,
  FinanceProvider,
  ItemError,
  RemittanceItem,
} from '../provider.contract';
import { type ServedCapabilities, servedCapabilities } from '../provider.contract';
import { GEP_QUANTUM_PROVIDER, GepQuantumClient } from './gep-quantum.client';
import type { GepQuantumSettings } from './gep-quantum.types';
import { toQuantumRemittanceDetail, toRemittanceResults } from './gep-quantum.mapper';
import { remittanceRules } from './gep-quantum.rules';

/** GEP Quantum (LEO): payment remittances, each batch in one upstream call. */
export class GepQuantumProvider extends UpstreamProvider implements FinanceProvider {
  readonly id = GEP_QUANTUM_PROVIDER;
  readonly displayName = 'GEP Quantum';
  readonly serves: ServedCapabilities = {
    'remittance.post': (items, ctx) => this.postRemittances(items, ctx),
  };
  readonly capabilities = servedCapabilities(this.serves);

  constructor(
    endpoint: Endpoint<GepQuantumSettings>,
    private readonly client: GepQuantumClient,
  ) {
    super(endpoint, client);
  }

  /** Builds the provider for a resolved endpoint (live or mock). */
  static create(endpoint: Endpoint<GepQuantumSettings>, deps: ProviderDeps): GepQuantumProvider {
    return new GepQuantumProvider(endpoint, GepQuantumClient.create(endpoint, deps));
  }

  /** Sends exactly `items` in one call; one result per item, in input order. */
  async postRemittances(items: RemittanceItem[], ctx: CallContext): Promise<BatchResult> {
    if (items.length === 0) return { items: [], raw: null };
    const outcome = await this.client.putRemittances(items.map(toQuantumRemittanceDetail), ctx);
    return { items: toRemittanceResults(items, outcome.details), raw: outcome.raw };
  }

  validateRemittance(item: RemittanceItem, now: Date): ItemError[] {
    return remittanceRules(item, now);
  }
}
