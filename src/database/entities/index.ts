import { ApiClientEntity } from './api-client.entity';
import { ConnectionEntity } from './connection.entity';
import { ConsoleSessionEntity } from './console-session.entity';
import { AuditChainAnchorEntity, AuditLogEntity } from './audit-log.entity';
import { CreditNoteEntity } from './credit-note.entity';
import { EventEntity } from './event.entity';
import { InboundWebhookEntity } from './inbound-webhook.entity';
import { InvoiceEntity } from './invoice.entity';
import { OperationEntity } from './operation.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export {
  ApiClientEntity,
  AuditChainAnchorEntity,
  AuditLogEntity,
  ConnectionEntity,
  ConsoleSessionEntity,
  CreditNoteEntity,
  EventEntity,
  InboundWebhookEntity,
  InvoiceEntity,
  OperationEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
};

export const ENTITIES = [
  ApiClientEntity,
  AuditLogEntity,
  AuditChainAnchorEntity,
  CreditNoteEntity,
  InvoiceEntity,
  OperationEntity,
  ConsoleSessionEntity,
  EventEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  InboundWebhookEntity,
  ConnectionEntity,
];
