import { Global, Logger, Module } from '@nestjs/common';
import { UpstreamHttpModule, type UpstreamLogger } from '@lib/upstream-http';
import { OutboundAuditSink } from '../audit/outbound-audit.sink';
import { DeliverySolutionsModule } from './delivery-solutions/delivery-solutions.module';
import { DeliverySolutionsProvider } from './delivery-solutions/delivery-solutions.provider';
import { DmsModule } from './dms/dms.module';
import { DmsProvider } from './dms/dms.provider';
import { GepQuantumModule } from './gep-quantum/gep-quantum.module';
import { GepQuantumProvider } from './gep-quantum/gep-quantum.provider';
import { GepSmartModule } from './gep-smart/gep-smart.module';
import { GepSmartProvider } from './gep-smart/gep-smart.provider';
import { ProviderEndpoints } from './provider-endpoints';
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

/** The shared pieces every provider module uses: endpoints (live or mock) and outbound HTTP. */
@Global()
@Module({
  imports: [
    UpstreamHttpModule.forRoot({
      auditSink: { useExisting: OutboundAuditSink },
      logger: { useFactory: upstreamLogger },
    }),
  ],
  providers: [ProviderEndpoints],
  exports: [ProviderEndpoints, UpstreamHttpModule],
})
export class ProviderInfrastructureModule {}

/** All four providers under one injection token. */
@Module({
  imports: [
    ProviderInfrastructureModule,
    DmsModule,
    GepSmartModule,
    GepQuantumModule,
    DeliverySolutionsModule,
  ],
  providers: [
    {
      provide: PROVIDER_REGISTRY,
      inject: [DmsProvider, GepSmartProvider, GepQuantumProvider, DeliverySolutionsProvider],
      useFactory: (...providers: ConstructorParameters<typeof ProviderRegistry>[0]) =>
        new ProviderRegistry(providers),
    },
    ProviderHealth,
  ],
  exports: [PROVIDER_REGISTRY, ProviderHealth],
})
export class ProvidersModule {}
