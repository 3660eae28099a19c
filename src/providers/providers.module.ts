import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { UpstreamHttpFactory, UpstreamHttpModule, type UpstreamLogger } from '@lib/upstream-http';
import { AuditModule } from '../audit/audit.module';
import { OutboundAuditSink } from '../audit/outbound-audit.sink';
import type { ProviderDeps } from './provider-definition';
import { ProviderEndpoints } from './provider-endpoints';
import type { FinanceProvider } from './provider.contract';
import { PROVIDER_DEFINITIONS } from './provider-list';
import { PROVIDER_REGISTRY, ProviderRegistry } from './provider-registry';
import { ProviderHealth } from './provider-health';

function upstreamLogger(): UpstreamLogger {
  const logger = new Logger('UpstreamHttp');
  return {
    debug: (obj, msg) => logger.debug(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}

/** Injection token of what building a provider uses besides its endpoint (ProviderDeps). */
export const PROVIDER_DEPS = Symbol('PROVIDER_DEPS');

/** Builds every listed provider from its endpoint, with its definition. */
export async function buildRegistry(
  endpoints: ProviderEndpoints,
  deps: ProviderDeps,
): Promise<ProviderRegistry> {
  const providers = await Promise.all(
    PROVIDER_DEFINITIONS.map(async (definition) => {
      const endpoint = await endpoints.resolve(definition.id);
      // each definition builds from its own endpoint type, which resolve() gives for its id
      return (definition.build as (e: typeof endpoint, d: ProviderDeps) => FinanceProvider)(
        endpoint,
        deps,
      );
    }),
  );
  return new ProviderRegistry(providers);
}

/**
 * Every provider in the list, built by its definition from its endpoint (configured, or its
 * in-process simulator), under one injection token. Outbound calls and token requests are
 * audited and counted through the outbound audit sink.
 */
@Module({
  imports: [
    AuditModule,
    UpstreamHttpModule.forRoot({
      imports: [AuditModule],
      auditSink: { useExisting: OutboundAuditSink },
      logger: { useFactory: upstreamLogger },
    }),
  ],
  providers: [
    ProviderEndpoints,
    {
      provide: PROVIDER_DEPS,
      inject: [UpstreamHttpFactory, OutboundAuditSink],
      useFactory: (http: UpstreamHttpFactory, audit: OutboundAuditSink): ProviderDeps => ({
        http,
        onTokenRequest: audit.tokenRequestObserver(),
      }),
    },
    {
      provide: PROVIDER_REGISTRY,
      inject: [ProviderEndpoints, PROVIDER_DEPS],
      useFactory: (endpoints: ProviderEndpoints, deps: ProviderDeps) =>
        buildRegistry(endpoints, deps),
    },
    ProviderHealth,
  ],
  exports: [PROVIDER_REGISTRY, PROVIDER_DEPS, ProviderHealth, ProviderEndpoints],
})
export class ProvidersModule implements OnApplicationShutdown {
  constructor(@Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry) {}

  onApplicationShutdown(): void {
    for (const provider of this.registry.all()) provider.close?.();
  }
}
