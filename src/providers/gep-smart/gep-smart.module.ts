import { Module } from '@nestjs/common';
import { UpstreamHttpFactory } from '@lib/upstream-http';
import { ProviderEndpoints } from '../provider-endpoints';
import { GepSmartProvider } from './gep-smart.provider';

/** GEP SMART, live or against its simulator (mock mode), as the endpoint resolves. */
@Module({
  providers: [
    {
      provide: GepSmartProvider,
      inject: [ProviderEndpoints, UpstreamHttpFactory],
      useFactory: async (endpoints: ProviderEndpoints, http: UpstreamHttpFactory) =>
        GepSmartProvider.create(await endpoints.resolve('gep-smart'), http),
    },
  ],
  exports: [GepSmartProvider],
})
export class GepSmartModule {}
