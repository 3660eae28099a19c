import type { CircuitStateName, UpstreamHttpFactory } from '@lib/upstream-http';
import type { GepQuantumSettings } from '../../config/providers-config';
import type { Endpoint } from '../provider-endpoints';
import type {
  BatchResult,
  CallContext,
  Capability,
  FinanceProvider,
  ItemError,
  ProbeResult,
  ProviderMode,
  RemittanceItem,
} from '../provider.contract';
import { GEP_QUANTUM_PROVIDER, GepQuantumClient } from './gep-quantum.client';
import { gepQuantumProbe } from './gep-quantum.health';
import { toQuantumRemittanceDetail, toRemittanceResults } from './gep-quantum.mapper';
import { remittanceRules } from './gep-quantum.rules';

/** GEP Quantum (LEO): payment remittances, each batch in one upstream call. */
export class GepQuantumProvider implements FinanceProvider {
  readonly id = GEP_QUANTUM_PROVIDER;
  readonly displayName = 'GEP Quantum';
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['remittance.post']);

  constructor(
    readonly mode: ProviderMode,
    private readonly client: GepQuantumClient,
    private readonly probe: () => Promise<ProbeResult>,
  ) {}

  /** Builds the provider for a resolved endpoint (live or mock). */
  static create(
    endpoint: Endpoint<GepQuantumSettings>,
    factory: UpstreamHttpFactory,
  ): GepQuantumProvider {
    return new GepQuantumProvider(
      endpoint.mode,
      GepQuantumClient.create(endpoint, factory),
      gepQuantumProbe(endpoint.settings.baseUrl, endpoint.http.connectTimeoutMs),
    );
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

  ping(): Promise<ProbeResult> {
    return this.probe();
  }

  circuitState(): CircuitStateName {
    return this.client.circuitState();
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
