import { Module } from '@nestjs/common';
import { UpstreamHttpFactory } from '@lib/upstream-http';
import { ProviderEndpoints } from '../provider-endpoints';
import { DeliverySolutionsProvider } from './delivery-solutions.provider';

/** The Delivery Solutions provider, built from its endpoint (configured, or the simulator). */
@Module({
  providers: [
    {
      provide: DeliverySolutionsProvider,
      inject: [ProviderEndpoints, UpstreamHttpFactory],
      useFactory: async (endpoints: ProviderEndpoints, http: UpstreamHttpFactory) =>
        DeliverySolutionsProvider.fromEndpoint(await endpoints.resolve('delivery-solutions'), http),
    },
  ],
  exports: [DeliverySolutionsProvider],
})
export class DeliverySolutionsModule {}
