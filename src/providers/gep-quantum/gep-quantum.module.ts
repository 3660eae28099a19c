import { Module } from '@nestjs/common';
import { UpstreamHttpFactory } from '@lib/upstream-http';
import { ProviderEndpoints } from '../provider-endpoints';
import { GepQuantumProvider } from './gep-quantum.provider';

/** GEP Quantum, live or against its simulator (mock mode), as the endpoint resolves. */
@Module({
  providers: [
    {
      provide: GepQuantumProvider,
      inject: [ProviderEndpoints, UpstreamHttpFactory],
      useFactory: async (endpoints: ProviderEndpoints, http: UpstreamHttpFactory) =>
        GepQuantumProvider.create(await endpoints.resolve('gep-quantum'), http),
    },
  ],
  exports: [GepQuantumProvider],
})
export class GepQuantumModule {}
