import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { CircuitStateName } from '@lib/upstream-http';
import type { Capability, ProbeResult, ProviderMode } from './provider.contract';
import type { ProviderId } from './provider-ids';
import { PROVIDER_REGISTRY, ProviderRegistry } from './provider-registry';

export interface ProviderStatus {
  id: ProviderId;
  name: string;
  mode: ProviderMode;
  capabilities: Capability[];
  circuit: CircuitStateName;
  lastHealth: ProbeResult | null;
}

const PROBE_CACHE_MS = 2000;

/** Probes providers (cached briefly so probes and dashboards never hammer an upstream). */
@Injectable()
export class ProviderHealth {
  private readonly last = new Map<ProviderId, ProbeResult>();
  private readonly inFlight = new Map<ProviderId, Promise<ProbeResult>>();

  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    metrics: MetricsService,
  ) {
    metrics.setCircuitSource(() =>
      registry.all().map((p) => ({ provider: p.id, state: p.circuitState() })),
    );
  }

  async probe(id: ProviderId): Promise<ProbeResult> {
    const cached = this.last.get(id);
    if (cached && Date.now() - Date.parse(cached.checkedAt) < PROBE_CACHE_MS) return cached;
    const running = this.inFlight.get(id);
    if (running) return running;
    const provider = this.registry.get(id);
    if (!provider) throw new Error(`unknown provider ${id}`);
    const attempt = provider
      .ping()
      .catch(
        (error: unknown): ProbeResult => ({
          reachable: false,
          latencyMs: 0,
          error: error instanceof Error ? error.message : 'probe failed',
          checkedAt: new Date().toISOString(),
        }),
      )
      .then((result) => {
        this.last.set(id, result);
        return result;
      })
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, attempt);
    return attempt;
  }

  /** What /v1/providers shows: no probe is made, the last result is reported. */
  status(id: ProviderId): ProviderStatus {
    const provider = this.registry.get(id);
    if (!provider) throw new Error(`unknown provider ${id}`);
    return {
      id: provider.id,
      name: provider.displayName,
      mode: provider.mode,
      capabilities: [...provider.capabilities],
      circuit: provider.circuitState(),
      lastHealth: this.last.get(id) ?? null,
    };
  }
}
