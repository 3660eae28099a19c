import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { EventsService } from './events.service';
import { InboundWebhooksService } from './inbound-webhooks.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** Events and webhooks (docs/webhooks.md): the outbox read side, endpoints, circuit events. */
@Module({
  imports: [OperationsModule],
  providers: [EventsService, WebhookEndpointsService, InboundWebhooksService],
  exports: [EventsService, WebhookEndpointsService, InboundWebhooksService],
})
export class EventsModule {}
