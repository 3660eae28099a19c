import { Module } from '@nestjs/common';
import { UpstreamHttpFactory } from '@lib/upstream-http';
import { ProviderEndpoints } from '../provider-endpoints';
import { DmsProvider } from './dms.provider';

/** The DMS provider, built from its endpoint (configured, or the in-process simulator). */
@Module({
  providers: [
    {
      provide: DmsProvider,
      inject: [ProviderEndpoints, UpstreamHttpFactory],
      useFactory: async (endpoints: ProviderEndpoints, http: UpstreamHttpFactory) =>
        DmsProvider.fromEndpoint(await endpoints.resolve('dms'), http),
    },
  ],
  exports: [DmsProvider],
})
export class DmsModule {}
